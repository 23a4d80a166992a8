// Reference surface: the part of UnityEditor's public API (Unity 2022.3 LTS, Unity Scripting
// Reference) that the package's Editor assembly and the sample's editor script use. Signatures
// only. Only Editor-platform assemblies are compiled against it, as in a player build.
#pragma warning disable 0067, 0649, 1591

using System;
using UnityEngine;

namespace UnityEditor
{
    public class Editor : ScriptableObject
    {
        public UnityEngine.Object target { get { throw null; } set { } }
        public UnityEngine.Object[] targets { get { throw null; } }
        public SerializedObject serializedObject { get { throw null; } }
        public virtual void OnInspectorGUI() { }
        public bool DrawDefaultInspector() { throw null; }
        public void Repaint() { }
        public virtual bool RequiresConstantRepaint() { throw null; }
    }

    public sealed class SerializedObject : IDisposable
    {
        public SerializedObject(UnityEngine.Object obj) { }
        public SerializedProperty FindProperty(string propertyPath) { throw null; }
        public void Update() { }
        public bool ApplyModifiedProperties() { throw null; }
        public void Dispose() { }
    }

    public class SerializedProperty
    {
        public string stringValue { get { throw null; } set { } }
        public float floatValue { get { throw null; } set { } }
        public int intValue { get { throw null; } set { } }
        public bool boolValue { get { throw null; } set { } }
        public UnityEngine.Object objectReferenceValue { get { throw null; } set { } }
    }

    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public class CustomEditor : Attribute
    {
        public CustomEditor(Type inspectedType) { }
        public CustomEditor(Type inspectedType, bool editorForChildClasses) { }
        public bool isFallback { get { throw null; } set { } }
    }

    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class CanEditMultipleObjects : Attribute { }

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
    public sealed class MenuItem : Attribute
    {
        public MenuItem(string itemName) { }
        public MenuItem(string itemName, bool isValidateFunction) { }
        public MenuItem(string itemName, bool isValidateFunction, int priority) { }
    }

    [AttributeUsage(AttributeTargets.Class)]
    public class InitializeOnLoadAttribute : Attribute { }

    public enum MessageType { None = 0, Info = 1, Warning = 2, Error = 3 }

    public sealed class EditorGUILayout
    {
        public static void Space() { }
        public static void Space(float width) { }
        public static void LabelField(string label, params GUILayoutOption[] options) { }
        public static void LabelField(string label, GUIStyle style, params GUILayoutOption[] options) { }
        public static void LabelField(string label, string label2, params GUILayoutOption[] options) { }
        public static void HelpBox(string message, MessageType type) { }
        public static void HelpBox(string message, MessageType type, bool wide) { }
        public static bool Foldout(bool foldout, string content) { throw null; }
        public static bool Foldout(bool foldout, string content, bool toggleOnLabelClick) { throw null; }
        public static void SelectableLabel(string text, params GUILayoutOption[] options) { }
        public static string TextField(string label, string text, params GUILayoutOption[] options) { throw null; }
        public static bool Toggle(string label, bool value, params GUILayoutOption[] options) { throw null; }
        public static float FloatField(string label, float value, params GUILayoutOption[] options) { throw null; }
        public static bool PropertyField(SerializedProperty property, params GUILayoutOption[] options) { throw null; }
    }

    public sealed class EditorGUI
    {
        public static int indentLevel { get { throw null; } set { } }
    }

    public sealed class EditorGUIUtility
    {
        public static float singleLineHeight { get { throw null; } }
        public static float standardVerticalSpacing { get { throw null; } }
        public static void PingObject(UnityEngine.Object obj) { }
    }

    public sealed class EditorStyles
    {
        public static GUIStyle label { get { throw null; } }
        public static GUIStyle boldLabel { get { throw null; } }
        public static GUIStyle miniLabel { get { throw null; } }
        public static GUIStyle helpBox { get { throw null; } }
        public static GUIStyle wordWrappedLabel { get { throw null; } }
    }

    public sealed class EditorUtility
    {
        public static void SetDirty(UnityEngine.Object target) { }
        public static bool DisplayDialog(string title, string message, string ok) { throw null; }
        public static bool DisplayDialog(string title, string message, string ok, string cancel) { throw null; }
        public static string SaveFilePanelInProject(string title, string defaultName, string extension, string message) { throw null; }
        public static string SaveFilePanelInProject(string title, string defaultName, string extension, string message, string path) { throw null; }
    }

    public class Undo
    {
        public static void RegisterCreatedObjectUndo(UnityEngine.Object objectToUndo, string name) { }
        public static void RecordObject(UnityEngine.Object objectToUndo, string name) { }
    }

    public sealed class Selection
    {
        public static GameObject activeGameObject { get { throw null; } set { } }
        public static UnityEngine.Object activeObject { get { throw null; } set { } }
    }

    public sealed class EditorApplication
    {
        public static bool isPlaying { get { throw null; } set { } }
        public static bool isPlayingOrWillChangePlaymode { get { throw null; } }
        public static bool isCompiling { get { throw null; } }
    }

    public sealed class AssetDatabase
    {
        public static void Refresh() { }
        public static bool IsValidFolder(string path) { throw null; }
        public static string CreateFolder(string parentFolder, string newFolderName) { throw null; }
        public static T LoadAssetAtPath<T>(string assetPath) where T : UnityEngine.Object { throw null; }
    }

    public sealed class EditorUserBuildSettings
    {
        public static BuildTarget activeBuildTarget { get { throw null; } }
    }

    public enum BuildTarget
    {
        StandaloneOSX = 2, StandaloneWindows = 5, iOS = 9, Android = 13, StandaloneWindows64 = 19,
        WebGL = 20, StandaloneLinux64 = 24, NoTarget = -2,
    }
}

namespace UnityEditor.SceneManagement
{
    using UnityEngine.SceneManagement;

    public enum NewSceneSetup { EmptyScene = 0, DefaultGameObjects = 1 }
    public enum NewSceneMode { Single = 0, Additive = 1 }
    public enum OpenSceneMode { Single = 0, Additive = 1, AdditiveWithoutLoading = 2 }

    public sealed class EditorSceneManager : SceneManager
    {
        public static Scene NewScene(NewSceneSetup setup) { throw null; }
        public static Scene NewScene(NewSceneSetup setup, NewSceneMode mode) { throw null; }
        public static Scene OpenScene(string scenePath) { throw null; }
        public static Scene OpenScene(string scenePath, OpenSceneMode mode) { throw null; }
        public static bool SaveScene(Scene scene) { throw null; }
        public static bool SaveScene(Scene scene, string dstScenePath) { throw null; }
        public static bool SaveCurrentModifiedScenesIfUserWantsTo() { throw null; }
        public static bool MarkSceneDirty(Scene scene) { throw null; }
    }
}

namespace UnityEditor.Build
{
    public interface IOrderedCallback
    {
        int callbackOrder { get; }
    }

    /// <summary>Unity 2022.1 and later have only GenerateAdditionalLinkXmlFile (the 2022.3 and
    /// Unity 6 Scripting Reference list no other member).</summary>
    public interface IUnityLinkerProcessor : IOrderedCallback
    {
        string GenerateAdditionalLinkXmlFile(UnityEditor.Build.Reporting.BuildReport report,
                                             UnityEditor.UnityLinker.UnityLinkerBuildPipelineData data);
    }

    public interface IPreprocessBuildWithReport : IOrderedCallback
    {
        void OnPreprocessBuild(UnityEditor.Build.Reporting.BuildReport report);
    }
}

namespace UnityEditor.Build.Reporting
{
    public sealed class BuildReport : UnityEngine.Object
    {
        public BuildSummary summary { get { throw null; } }
    }

    public struct BuildSummary
    {
        public BuildTarget platform { get { throw null; } }
        public string outputPath { get { throw null; } }
    }
}

namespace UnityEditor.UnityLinker
{
    public sealed class UnityLinkerBuildPipelineData
    {
        public BuildTarget target { get { throw null; } }
    }
}
