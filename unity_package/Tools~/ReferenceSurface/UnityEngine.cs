// Reference surface: the part of UnityEngine's public API (Unity 2022.3 LTS, as documented in the
// Unity Scripting Reference, docs.unity3d.com/2022.3/Documentation/ScriptReference/) that this
// package and its sample use. Signatures only: bodies throw or return defaults. It exists so that
// tests/test_unity_compile.py can compile Runtime/Unity, Editor and the samples without Unity;
// it is not UnityEngine, and compiling against it does not replace a build in a real editor.
// Add a member here, copied from the Scripting Reference, when the package starts using it.
#pragma warning disable 0067, 0649, 0660, 0661, 1591

using System;
using System.Collections;

namespace UnityEngine
{
    // ---------------------------------------------------------------- objects and components

    public class Object
    {
        public string name { get { throw null; } set { } }
        public HideFlags hideFlags { get { throw null; } set { } }
        public int GetInstanceID() { throw null; }
        public static void Destroy(Object obj) { }
        public static void Destroy(Object obj, float t) { }
        public static void DestroyImmediate(Object obj) { }
        public static void DontDestroyOnLoad(Object target) { }
        public static T Instantiate<T>(T original) where T : Object { throw null; }
        public static T Instantiate<T>(T original, Transform parent) where T : Object { throw null; }
        public static T FindObjectOfType<T>() where T : Object { throw null; }
        public static T[] FindObjectsOfType<T>() where T : Object { throw null; }
        public static implicit operator bool(Object exists) { throw null; }
        public static bool operator ==(Object x, Object y) { throw null; }
        public static bool operator !=(Object x, Object y) { throw null; }
        public override bool Equals(object other) { throw null; }
        public override int GetHashCode() { throw null; }
        public override string ToString() { throw null; }
    }

    [Flags]
    public enum HideFlags
    {
        None = 0, HideInHierarchy = 1, HideInInspector = 2, DontSaveInEditor = 4, NotEditable = 8,
        DontSaveInBuild = 16, DontUnloadUnusedAsset = 32, DontSave = 52, HideAndDontSave = 61,
    }

    public class Component : Object
    {
        public Transform transform { get { throw null; } }
        public GameObject gameObject { get { throw null; } }
        public string tag { get { throw null; } set { } }
        public T GetComponent<T>() { throw null; }
        public Component GetComponent(Type type) { throw null; }
        public bool TryGetComponent<T>(out T component) { throw null; }
        public T GetComponentInChildren<T>() { throw null; }
        public T[] GetComponentsInChildren<T>() { throw null; }
        public T GetComponentInParent<T>() { throw null; }
        public T[] GetComponents<T>() { throw null; }
        public bool CompareTag(string tag) { throw null; }
    }

    public class Behaviour : Component
    {
        public bool enabled { get { throw null; } set { } }
        public bool isActiveAndEnabled { get { throw null; } }
    }


    public enum HumanBodyBones
    {
        Hips = 0, LeftUpperLeg = 1, RightUpperLeg = 2, LeftLowerLeg = 3, RightLowerLeg = 4, LeftFoot = 5, RightFoot = 6,
        Spine = 7, Chest = 8, Neck = 9, Head = 10, LeftShoulder = 11, RightShoulder = 12, LeftUpperArm = 13,
        RightUpperArm = 14, LeftLowerArm = 15, RightLowerArm = 16, LeftHand = 17, RightHand = 18, LeftToes = 19,
        RightToes = 20, LeftEye = 21, RightEye = 22, Jaw = 23,
    }

    public class Animator : Behaviour
    {
        public bool isHuman { get { throw null; } }
        public Transform GetBoneTransform(HumanBodyBones humanBoneId) { throw null; }
    }

    public class MonoBehaviour : Behaviour
    {
        public Coroutine StartCoroutine(IEnumerator routine) { throw null; }
        public void StopCoroutine(Coroutine routine) { }
        public void StopAllCoroutines() { }
        public void Invoke(string methodName, float time) { }
        public void CancelInvoke() { }
        public static void print(object message) { }
    }

    public sealed class Coroutine { }

    public class ScriptableObject : Object
    {
        public static T CreateInstance<T>() where T : ScriptableObject { throw null; }
    }

    public sealed class GameObject : Object
    {
        public GameObject() { }
        public GameObject(string name) { }
        public GameObject(string name, params Type[] components) { }
        public Transform transform { get { throw null; } }
        public int layer { get { throw null; } set { } }
        public bool activeSelf { get { throw null; } }
        public bool activeInHierarchy { get { throw null; } }
        public string tag { get { throw null; } set { } }
        public GameObject gameObject { get { throw null; } }
        public T AddComponent<T>() where T : Component { throw null; }
        public Component AddComponent(Type componentType) { throw null; }
        public T GetComponent<T>() { throw null; }
        public Component GetComponent(Type type) { throw null; }
        public bool TryGetComponent<T>(out T component) { throw null; }
        public T GetComponentInChildren<T>() { throw null; }
        public T[] GetComponentsInChildren<T>() { throw null; }
        public void SetActive(bool value) { }
        public static GameObject CreatePrimitive(PrimitiveType type) { throw null; }
        public static GameObject Find(string name) { throw null; }
    }

    public enum PrimitiveType { Sphere = 0, Capsule = 1, Cylinder = 2, Cube = 3, Plane = 4, Quad = 5 }

    public class Transform : Component, IEnumerable
    {
        protected Transform() { }
        public Vector3 position { get { throw null; } set { } }
        public Vector3 localPosition { get { throw null; } set { } }
        public Quaternion rotation { get { throw null; } set { } }
        public Quaternion localRotation { get { throw null; } set { } }
        public Vector3 eulerAngles { get { throw null; } set { } }
        public Vector3 localEulerAngles { get { throw null; } set { } }
        public Vector3 localScale { get { throw null; } set { } }
        public Vector3 lossyScale { get { throw null; } }
        public Vector3 right { get { throw null; } set { } }
        public Vector3 up { get { throw null; } set { } }
        public Vector3 forward { get { throw null; } set { } }
        public Transform parent { get { throw null; } set { } }
        public Transform root { get { throw null; } }
        public int childCount { get { throw null; } }
        public void SetParent(Transform parent) { }
        public void SetParent(Transform parent, bool worldPositionStays) { }
        public void SetPositionAndRotation(Vector3 position, Quaternion rotation) { }
        public void SetLocalPositionAndRotation(Vector3 localPosition, Quaternion localRotation) { }
        public void LookAt(Transform target) { }
        public void LookAt(Vector3 worldPosition) { }
        public void LookAt(Vector3 worldPosition, Vector3 worldUp) { }
        public void Rotate(Vector3 eulers) { }
        public void Translate(Vector3 translation) { }
        public Vector3 TransformPoint(Vector3 position) { throw null; }
        public Vector3 InverseTransformPoint(Vector3 position) { throw null; }
        public Vector3 TransformDirection(Vector3 direction) { throw null; }
        public Vector3 InverseTransformDirection(Vector3 direction) { throw null; }
        public Transform Find(string n) { throw null; }
        public Transform GetChild(int index) { throw null; }
        public bool IsChildOf(Transform parent) { throw null; }
        public IEnumerator GetEnumerator() { throw null; }
    }

    // ---------------------------------------------------------------- rendering

    public class Renderer : Component
    {
        public bool enabled { get { throw null; } set { } }
        public Material material { get { throw null; } set { } }
        public Material sharedMaterial { get { throw null; } set { } }
        public Material[] materials { get { throw null; } set { } }
        public Material[] sharedMaterials { get { throw null; } set { } }
    }

    public class MeshRenderer : Renderer { }

    public class SkinnedMeshRenderer : Renderer
    {
        public Mesh sharedMesh { get { throw null; } set { } }
        public float GetBlendShapeWeight(int index) { throw null; }
        public void SetBlendShapeWeight(int index, float value) { }
    }

    public sealed class MeshFilter : Component
    {
        public Mesh mesh { get { throw null; } set { } }
        public Mesh sharedMesh { get { throw null; } set { } }
    }

    public sealed class Mesh : Object
    {
        public Mesh() { }
        public int blendShapeCount { get { throw null; } }
        public string GetBlendShapeName(int shapeIndex) { throw null; }
        public int GetBlendShapeIndex(string blendShapeName) { throw null; }
    }

    public class Material : Object
    {
        public Material(Shader shader) { }
        public Material(Material source) { }
        public Color color { get { throw null; } set { } }
        public Shader shader { get { throw null; } set { } }
        public Texture mainTexture { get { throw null; } set { } }
        public void SetColor(string name, Color value) { }
        public Color GetColor(string name) { throw null; }
        public bool HasProperty(string name) { throw null; }
    }

    public sealed class Shader : Object
    {
        public static Shader Find(string name) { throw null; }
    }

    public class Texture : Object { }

    public sealed class Font : Object
    {
        public Font() { }
        public Material material { get { throw null; } set { } }
    }

    public sealed class TextMesh : Component
    {
        public string text { get { throw null; } set { } }
        public Font font { get { throw null; } set { } }
        public int fontSize { get { throw null; } set { } }
        public FontStyle fontStyle { get { throw null; } set { } }
        public float offsetZ { get { throw null; } set { } }
        public TextAlignment alignment { get { throw null; } set { } }
        public TextAnchor anchor { get { throw null; } set { } }
        public float characterSize { get { throw null; } set { } }
        public float lineSpacing { get { throw null; } set { } }
        public float tabSize { get { throw null; } set { } }
        public bool richText { get { throw null; } set { } }
        public Color color { get { throw null; } set { } }
    }

    public enum FontStyle { Normal = 0, Bold = 1, Italic = 2, BoldAndItalic = 3 }
    public enum TextAlignment { Left = 0, Center = 1, Right = 2 }

    public enum TextAnchor
    {
        UpperLeft = 0, UpperCenter = 1, UpperRight = 2, MiddleLeft = 3, MiddleCenter = 4,
        MiddleRight = 5, LowerLeft = 6, LowerCenter = 7, LowerRight = 8,
    }

    public class Collider : Component
    {
        public bool enabled { get { throw null; } set { } }
    }

    public sealed class Camera : Behaviour
    {
        public static Camera main { get { throw null; } }
        public float fieldOfView { get { throw null; } set { } }
        public float nearClipPlane { get { throw null; } set { } }
        public float farClipPlane { get { throw null; } set { } }
        public Color backgroundColor { get { throw null; } set { } }
        public CameraClearFlags clearFlags { get { throw null; } set { } }
    }

    public enum CameraClearFlags { Skybox = 1, Color = 2, SolidColor = 2, Depth = 3, Nothing = 4 }

    public sealed class Light : Behaviour
    {
        public LightType type { get { throw null; } set { } }
        public float intensity { get { throw null; } set { } }
        public Color color { get { throw null; } set { } }
    }

    public enum LightType { Spot = 0, Directional = 1, Point = 2 }

    public static class Gizmos
    {
        public static Color color { get { throw null; } set { } }
        public static void DrawLine(Vector3 from, Vector3 to) { }
        public static void DrawRay(Vector3 from, Vector3 direction) { }
        public static void DrawSphere(Vector3 center, float radius) { }
        public static void DrawWireSphere(Vector3 center, float radius) { }
        public static void DrawWireCube(Vector3 center, Vector3 size) { }
    }

    public static class Resources
    {
        public static T Load<T>(string path) where T : Object { throw null; }
        public static T GetBuiltinResource<T>(string path) where T : Object { throw null; }
    }

    // ---------------------------------------------------------------- audio

    public sealed class AudioClip : Object
    {
        public float length { get { throw null; } }
        public int samples { get { throw null; } }
        public int channels { get { throw null; } }
        public int frequency { get { throw null; } }
        public bool GetData(float[] data, int offsetSamples) { throw null; }
        public bool SetData(float[] data, int offsetSamples) { throw null; }
        public static AudioClip Create(string name, int lengthSamples, int channels, int frequency, bool stream) { throw null; }
    }

    public sealed class Microphone
    {
        public static string[] devices { get { throw null; } }
        public static AudioClip Start(string deviceName, bool loop, int lengthSec, int frequency) { throw null; }
        public static void End(string deviceName) { }
        public static bool IsRecording(string deviceName) { throw null; }
        public static int GetPosition(string deviceName) { throw null; }
        public static void GetDeviceCaps(string deviceName, out int minFreq, out int maxFreq) { throw null; }
    }

    // ---------------------------------------------------------------- maths

    public struct Vector3 : IEquatable<Vector3>
    {
        public float x;
        public float y;
        public float z;
        public Vector3(float x, float y, float z) { this.x = x; this.y = y; this.z = z; }
        public Vector3(float x, float y) { this.x = x; this.y = y; z = 0f; }
        public static Vector3 zero { get { throw null; } }
        public static Vector3 one { get { throw null; } }
        public static Vector3 up { get { throw null; } }
        public static Vector3 down { get { throw null; } }
        public static Vector3 left { get { throw null; } }
        public static Vector3 right { get { throw null; } }
        public static Vector3 forward { get { throw null; } }
        public static Vector3 back { get { throw null; } }
        public float magnitude { get { throw null; } }
        public float sqrMagnitude { get { throw null; } }
        public Vector3 normalized { get { throw null; } }
        public static float Distance(Vector3 a, Vector3 b) { throw null; }
        public static float Dot(Vector3 lhs, Vector3 rhs) { throw null; }
        public static Vector3 Cross(Vector3 lhs, Vector3 rhs) { throw null; }
        public static Vector3 Lerp(Vector3 a, Vector3 b, float t) { throw null; }
        public static Vector3 MoveTowards(Vector3 current, Vector3 target, float maxDistanceDelta) { throw null; }
        public static Vector3 Scale(Vector3 a, Vector3 b) { throw null; }
        public static Vector3 ProjectOnPlane(Vector3 vector, Vector3 planeNormal) { throw null; }
        public static Vector3 operator +(Vector3 a, Vector3 b) { throw null; }
        public static Vector3 operator -(Vector3 a, Vector3 b) { throw null; }
        public static Vector3 operator -(Vector3 a) { throw null; }
        public static Vector3 operator *(Vector3 a, float d) { throw null; }
        public static Vector3 operator *(float d, Vector3 a) { throw null; }
        public static Vector3 operator /(Vector3 a, float d) { throw null; }
        public static bool operator ==(Vector3 lhs, Vector3 rhs) { throw null; }
        public static bool operator !=(Vector3 lhs, Vector3 rhs) { throw null; }
        public bool Equals(Vector3 other) { throw null; }
        public override bool Equals(object other) { throw null; }
        public override int GetHashCode() { throw null; }
        public override string ToString() { throw null; }
        public string ToString(string format) { throw null; }
    }

    public struct Vector2
    {
        public float x;
        public float y;
        public Vector2(float x, float y) { this.x = x; this.y = y; }
    }

    public struct Quaternion : IEquatable<Quaternion>
    {
        public float x;
        public float y;
        public float z;
        public float w;
        public Quaternion(float x, float y, float z, float w) { this.x = x; this.y = y; this.z = z; this.w = w; }
        public static Quaternion identity { get { throw null; } }
        public Vector3 eulerAngles { get { throw null; } set { } }
        public Quaternion normalized { get { throw null; } }
        public static Quaternion Inverse(Quaternion rotation) { throw null; }
        public static Quaternion Euler(float x, float y, float z) { throw null; }
        public static Quaternion Euler(Vector3 euler) { throw null; }
        public static Quaternion AngleAxis(float angle, Vector3 axis) { throw null; }
        public static Quaternion LookRotation(Vector3 forward) { throw null; }
        public static Quaternion LookRotation(Vector3 forward, Vector3 upwards) { throw null; }
        public static Quaternion Slerp(Quaternion a, Quaternion b, float t) { throw null; }
        public static Quaternion Lerp(Quaternion a, Quaternion b, float t) { throw null; }
        public static float Angle(Quaternion a, Quaternion b) { throw null; }
        public static float Dot(Quaternion a, Quaternion b) { throw null; }
        public static Quaternion operator *(Quaternion lhs, Quaternion rhs) { throw null; }
        public static Vector3 operator *(Quaternion rotation, Vector3 point) { throw null; }
        public static bool operator ==(Quaternion lhs, Quaternion rhs) { throw null; }
        public static bool operator !=(Quaternion lhs, Quaternion rhs) { throw null; }
        public bool Equals(Quaternion other) { throw null; }
        public override bool Equals(object other) { throw null; }
        public override int GetHashCode() { throw null; }
        public override string ToString() { throw null; }
    }

    public struct Color : IEquatable<Color>
    {
        public float r;
        public float g;
        public float b;
        public float a;
        public Color(float r, float g, float b, float a) { this.r = r; this.g = g; this.b = b; this.a = a; }
        public Color(float r, float g, float b) { this.r = r; this.g = g; this.b = b; a = 1f; }
        public static Color red { get { throw null; } }
        public static Color green { get { throw null; } }
        public static Color blue { get { throw null; } }
        public static Color white { get { throw null; } }
        public static Color black { get { throw null; } }
        public static Color yellow { get { throw null; } }
        public static Color cyan { get { throw null; } }
        public static Color magenta { get { throw null; } }
        public static Color gray { get { throw null; } }
        public static Color grey { get { throw null; } }
        public static Color clear { get { throw null; } }
        public static Color Lerp(Color a, Color b, float t) { throw null; }
        public static Color operator *(Color a, float b) { throw null; }
        public static bool operator ==(Color lhs, Color rhs) { throw null; }
        public static bool operator !=(Color lhs, Color rhs) { throw null; }
        public bool Equals(Color other) { throw null; }
        public override bool Equals(object other) { throw null; }
        public override int GetHashCode() { throw null; }
    }

    public struct Rect
    {
        public Rect(float x, float y, float width, float height) { }
        public float x { get { throw null; } set { } }
        public float y { get { throw null; } set { } }
        public float width { get { throw null; } set { } }
        public float height { get { throw null; } set { } }
    }

    public struct Mathf
    {
        public const float PI = 3.14159274F;
        public const float Deg2Rad = 0.0174532924F;
        public const float Rad2Deg = 57.29578F;
        public const float Infinity = float.PositiveInfinity;
        public static float Sin(float f) { throw null; }
        public static float Cos(float f) { throw null; }
        public static float Atan2(float y, float x) { throw null; }
        public static float Sqrt(float f) { throw null; }
        public static float Abs(float f) { throw null; }
        public static float Min(float a, float b) { throw null; }
        public static float Max(float a, float b) { throw null; }
        public static int Min(int a, int b) { throw null; }
        public static int Max(int a, int b) { throw null; }
        public static float Clamp(float value, float min, float max) { throw null; }
        public static int Clamp(int value, int min, int max) { throw null; }
        public static float Clamp01(float value) { throw null; }
        public static float Lerp(float a, float b, float t) { throw null; }
        public static float MoveTowards(float current, float target, float maxDelta) { throw null; }
        public static float SmoothDamp(float current, float target, ref float currentVelocity, float smoothTime) { throw null; }
        public static bool Approximately(float a, float b) { throw null; }
        public static int RoundToInt(float f) { throw null; }
        public static int FloorToInt(float f) { throw null; }
    }

    // ---------------------------------------------------------------- runtime services

    public static class Time
    {
        public static float time { get { throw null; } }
        public static float deltaTime { get { throw null; } }
        public static float unscaledTime { get { throw null; } }
        public static float unscaledDeltaTime { get { throw null; } }
        public static float realtimeSinceStartup { get { throw null; } }
        public static double timeAsDouble { get { throw null; } }
        public static double realtimeSinceStartupAsDouble { get { throw null; } }
        public static int frameCount { get { throw null; } }
    }

    public static class Debug
    {
        public static void Log(object message) { }
        public static void Log(object message, Object context) { }
        public static void LogFormat(string format, params object[] args) { }
        public static void LogWarning(object message) { }
        public static void LogWarning(object message, Object context) { }
        public static void LogError(object message) { }
        public static void LogError(object message, Object context) { }
        public static void LogException(Exception exception) { }
        public static void LogException(Exception exception, Object context) { }
        public static void DrawLine(Vector3 start, Vector3 end) { }
        public static void DrawLine(Vector3 start, Vector3 end, Color color) { }
    }

    public static class Application
    {
        public static bool isPlaying { get { throw null; } }
        public static bool isEditor { get { throw null; } }
        public static string persistentDataPath { get { throw null; } }
        public static string dataPath { get { throw null; } }
        public static string streamingAssetsPath { get { throw null; } }
        public static string version { get { throw null; } }
        public static string unityVersion { get { throw null; } }
        public static RuntimePlatform platform { get { throw null; } }
        public static int targetFrameRate { get { throw null; } set { } }
        public static bool runInBackground { get { throw null; } set { } }
    }

    public enum RuntimePlatform
    {
        OSXEditor = 0, OSXPlayer = 1, WindowsPlayer = 2, WindowsEditor = 7, IPhonePlayer = 8,
        Android = 11, LinuxPlayer = 13, LinuxEditor = 16,
    }

    public static class Screen
    {
        public static int width { get { throw null; } }
        public static int height { get { throw null; } }
    }

    // ---------------------------------------------------------------- IMGUI (OnGUI)

    public class GUIStyle
    {
        public GUIStyle() { }
        public GUIStyle(GUIStyle other) { }
        public int fontSize { get { throw null; } set { } }
        public FontStyle fontStyle { get { throw null; } set { } }
        public bool wordWrap { get { throw null; } set { } }
        public bool richText { get { throw null; } set { } }
        public TextAnchor alignment { get { throw null; } set { } }
    }

    public sealed class GUILayoutOption { }

    public class GUIContent
    {
        public GUIContent() { }
        public GUIContent(string text) { }
        public GUIContent(string text, string tooltip) { }
        public string text { get { throw null; } set { } }
        public string tooltip { get { throw null; } set { } }
    }

    public class GUI
    {
        public static Color color { get { throw null; } set { } }
        public static bool enabled { get { throw null; } set { } }
        public static void Label(Rect position, string text) { }
        public static void Label(Rect position, string text, GUIStyle style) { }
        public static void Box(Rect position, string text) { }
        public static bool Button(Rect position, string text) { throw null; }
    }

    public class GUILayout
    {
        public static void Label(string text, params GUILayoutOption[] options) { }
        public static void Label(string text, GUIStyle style, params GUILayoutOption[] options) { }
        public static void Box(string text, params GUILayoutOption[] options) { }
        public static bool Button(string text, params GUILayoutOption[] options) { throw null; }
        public static void BeginArea(Rect screenRect) { }
        public static void BeginArea(Rect screenRect, GUIStyle style) { }
        public static void EndArea() { }
        public static void BeginVertical(params GUILayoutOption[] options) { }
        public static void BeginVertical(GUIStyle style, params GUILayoutOption[] options) { }
        public static void EndVertical() { }
        public static void BeginHorizontal(params GUILayoutOption[] options) { }
        public static void EndHorizontal() { }
        public static void Space(float pixels) { }
        public static void FlexibleSpace() { }
        public static GUILayoutOption Width(float width) { throw null; }
        public static GUILayoutOption Height(float height) { throw null; }
        public static GUILayoutOption ExpandWidth(bool expand) { throw null; }
    }

    public sealed class GUISkin : Object
    {
        public GUIStyle label { get { throw null; } set { } }
        public GUIStyle box { get { throw null; } set { } }
    }

    // ---------------------------------------------------------------- attributes

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public abstract class PropertyAttribute : Attribute
    {
        protected PropertyAttribute() { }
        public int order { get { throw null; } set { } }
    }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public sealed class SerializeField : Attribute { }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public sealed class SerializeReference : Attribute { }

    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = true, AllowMultiple = false)]
    public sealed class HideInInspector : Attribute { }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public class TooltipAttribute : PropertyAttribute
    {
        public readonly string tooltip;
        public TooltipAttribute(string tooltip) { this.tooltip = tooltip; }
    }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = true)]
    public class HeaderAttribute : PropertyAttribute
    {
        public readonly string header;
        public HeaderAttribute(string header) { this.header = header; }
    }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = true)]
    public class SpaceAttribute : PropertyAttribute
    {
        public readonly float height;
        public SpaceAttribute() { }
        public SpaceAttribute(float height) { this.height = height; }
    }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public class TextAreaAttribute : PropertyAttribute
    {
        public readonly int minLines;
        public readonly int maxLines;
        public TextAreaAttribute() { }
        public TextAreaAttribute(int minLines, int maxLines) { this.minLines = minLines; this.maxLines = maxLines; }
    }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public sealed class MultilineAttribute : PropertyAttribute
    {
        public MultilineAttribute() { }
        public MultilineAttribute(int lines) { }
    }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public sealed class RangeAttribute : PropertyAttribute
    {
        public readonly float min;
        public readonly float max;
        public RangeAttribute(float min, float max) { this.min = min; this.max = max; }
    }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public sealed class MinAttribute : PropertyAttribute
    {
        public readonly float min;
        public MinAttribute(float min) { this.min = min; }
    }

    [AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = false)]
    public sealed class AddComponentMenu : Attribute
    {
        public AddComponentMenu(string menuName) { }
        public AddComponentMenu(string menuName, int order) { }
        public string componentMenu { get { throw null; } }
        public int componentOrder { get { throw null; } }
    }

    [AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = false)]
    public class DefaultExecutionOrder : Attribute
    {
        public DefaultExecutionOrder(int order) { }
        public int order { get { throw null; } }
    }

    [AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = true)]
    public sealed class RequireComponent : Attribute
    {
        public RequireComponent(Type requiredComponent) { }
        public RequireComponent(Type requiredComponent, Type requiredComponent2) { }
    }

    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
    public sealed class DisallowMultipleComponent : Attribute { }

    [AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = false)]
    public sealed class ExecuteAlways : Attribute { }

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
    public sealed class ContextMenu : Attribute
    {
        public ContextMenu(string itemName) { }
    }

    [AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = false)]
    public sealed class HelpURLAttribute : Attribute
    {
        public HelpURLAttribute(string url) { }
    }

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public class RuntimeInitializeOnLoadMethodAttribute : Attribute
    {
        public RuntimeInitializeOnLoadMethodAttribute() { }
        public RuntimeInitializeOnLoadMethodAttribute(RuntimeInitializeLoadType loadType) { }
    }

    public enum RuntimeInitializeLoadType
    {
        AfterSceneLoad = 0, BeforeSceneLoad = 1, AfterAssembliesLoaded = 2, BeforeSplashScreen = 3,
        SubsystemRegistration = 4,
    }
}

namespace UnityEngine.Android
{
    // UnityEngine.AndroidJNIModule: meant for Android players, behind #if UNITY_ANDROID. The surface
    // does not model that limit; the player pass (UNITY_ANDROID) compiles such blocks.
    public struct Permission
    {
        public const string Camera = "android.permission.CAMERA";
        public const string Microphone = "android.permission.RECORD_AUDIO";
        public const string FineLocation = "android.permission.ACCESS_FINE_LOCATION";
        public const string CoarseLocation = "android.permission.ACCESS_COARSE_LOCATION";
        public const string ExternalStorageRead = "android.permission.READ_EXTERNAL_STORAGE";
        public const string ExternalStorageWrite = "android.permission.WRITE_EXTERNAL_STORAGE";
        public static bool HasUserAuthorizedPermission(string permission) { throw null; }
        public static void RequestUserPermission(string permission) { }
        public static void RequestUserPermissions(string[] permissions) { }
    }
}

namespace UnityEngine.Scripting
{
    [AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Class | AttributeTargets.Struct |
                    AttributeTargets.Enum | AttributeTargets.Constructor | AttributeTargets.Method |
                    AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Event |
                    AttributeTargets.Interface | AttributeTargets.Delegate, Inherited = false)]
    public class PreserveAttribute : Attribute { }
}

namespace UnityEngine.SceneManagement
{
    public struct Scene
    {
        public string name { get { throw null; } set { } }
        public string path { get { throw null; } }
        public bool isDirty { get { throw null; } }
        public bool IsValid() { throw null; }
        public UnityEngine.GameObject[] GetRootGameObjects() { throw null; }
    }

    public class SceneManager
    {
        public static Scene GetActiveScene() { throw null; }
        public static bool SetActiveScene(Scene scene) { throw null; }
        public static void LoadScene(string sceneName) { }
        public static void MoveGameObjectToScene(UnityEngine.GameObject go, Scene scene) { }
    }
}
