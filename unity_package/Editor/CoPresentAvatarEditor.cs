using System.Linq;
using UnityEditor;
using UnityEngine;

namespace TalkingTogether.Bridge.Editor
{
    /// <summary>
    /// The avatar's inspector, plus a check of each face mesh against ARKit's 52 blendshapes:
    /// it lists the ones that nothing on the rig would move, so a rig's gaps are found at set-up
    /// rather than as a mouth that never closes in the headset. The matching is Core's
    /// <see cref="BlendshapeMap"/>, the same the avatar uses at run time.
    /// </summary>
    [CustomEditor(typeof(CoPresentAvatar))]
    public sealed class CoPresentAvatarEditor : UnityEditor.Editor
    {
        bool m_ShowMissing = true;

        public override void OnInspectorGUI()
        {
            DrawDefaultInspector();
            var avatar = (CoPresentAvatar)target;

            EditorGUILayout.Space();
            EditorGUILayout.LabelField("ARKit blendshape check", EditorStyles.boldLabel);
            if (avatar.Remap.Any(r => r.Scale == 0f))
                EditorGUILayout.HelpBox("A remap row has Scale 0, so its shape never moves; 1 drives it unchanged.", MessageType.Warning);
            var renderers = avatar.FaceRenderers.Where(r => r != null).ToArray();
            if (renderers.Length == 0)
            {
                EditorGUILayout.HelpBox("No face renderers: only the head and eyes will move.", MessageType.Info);
                return;
            }
            foreach (var renderer in renderers)
            {
                BlendshapeMap map;
                try
                {
                    map = avatar.MapFor(renderer); // the preset's rows and the custom ones, as at run time
                }
                catch (System.ArgumentException e)
                {
                    EditorGUILayout.HelpBox(e.Message, MessageType.Error);
                    continue;
                }
                var driven = Arkit.BlendshapeCount - map.Missing.Count;
                var type = map.Missing.Count == 0 ? MessageType.Info : MessageType.Warning;
                EditorGUILayout.HelpBox(string.Format("{0}: {1} of {2} ARKit blendshapes driven.",
                    renderer.name, driven, Arkit.BlendshapeCount), type);
                if (map.Missing.Count == 0)
                    continue;
                m_ShowMissing = EditorGUILayout.Foldout(m_ShowMissing, "Missing on " + renderer.name, true);
                if (m_ShowMissing)
                {
                    EditorGUI.indentLevel++;
                    foreach (var name in map.Missing)
                        EditorGUILayout.SelectableLabel(name, GUILayout.Height(EditorGUIUtility.singleLineHeight));
                    EditorGUI.indentLevel--;
                }
            }
        }
    }
}
