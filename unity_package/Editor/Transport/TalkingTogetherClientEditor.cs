using System.Text;
using UnityEditor;
using UnityEngine;

namespace TalkingTogether.Bridge.Editor
{
    /// <summary>
    /// The client's inspector: its settings, then, in Play mode, the connection's state, why it is
    /// in it, and the stream's figures, so a stall or a wrong token shows where it is set up.
    /// </summary>
    [CustomEditor(typeof(TalkingTogetherClient))]
    sealed class TalkingTogetherClientEditor : UnityEditor.Editor
    {
        readonly StringBuilder m_Summary = new StringBuilder();

        public override void OnInspectorGUI()
        {
            DrawDefaultInspector();
            EditorGUILayout.Space();
            EditorGUILayout.LabelField("Status", EditorStyles.boldLabel);
            if (!Application.isPlaying)
            {
                EditorGUILayout.HelpBox("The connection's state and figures show here in Play mode.", MessageType.None);
                return;
            }
            var client = (TalkingTogetherClient)target;
            EditorGUILayout.LabelField("State", client.isActiveAndEnabled ? client.State.ToString() : "disabled");
            EditorGUILayout.LabelField("Reconnects", client.Reconnects.ToString());
            if (!string.IsNullOrEmpty(client.LastError))
                EditorGUILayout.HelpBox(client.LastError, MessageType.Warning);
            m_Summary.Length = 0;
            client.Statistics.AppendSummary(m_Summary);
            EditorGUILayout.HelpBox(m_Summary.ToString(), MessageType.None);
        }

        public override bool RequiresConstantRepaint()
        {
            return Application.isPlaying;
        }
    }
}
