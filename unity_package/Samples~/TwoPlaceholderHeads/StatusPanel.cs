using System.Text;
using UnityEngine;

namespace TalkingTogether.Bridge.Samples
{
    /// <summary>
    /// Shows what the client is doing, from its read-only <c>State</c>, <c>LastError</c>,
    /// <c>Reconnects</c> and <c>Statistics</c>: the connection state and why, the received frame
    /// rate, playout delay and jitter, lost, late and underrun counts, the capture-to-display
    /// latency, and who is speaking. Drawn as 3D text in the scene (a headset sees
    /// it) and, on a desktop, also in the Game view's corner (headsets do not show OnGUI).
    /// Built with legacy TextMesh and IMGUI, which need no extra package.
    /// </summary>
    [AddComponentMenu("Talking Together/Samples/Status Panel")]
    public sealed class StatusPanel : MonoBehaviour
    {
        [SerializeField] TalkingTogetherClient m_Client;
        [Tooltip("Draw the status as 3D text at this transform.")]
        [SerializeField] bool m_InScene = true;
        [Tooltip("Also draw it in the Game view's top-left corner (desktop only).")]
        [SerializeField] bool m_OnScreen = true;
        [Tooltip("Seconds between refreshes of the text.")]
        [SerializeField, Range(0.05f, 2f)] float m_RefreshSeconds = 0.25f;

        readonly StringBuilder m_Builder = new StringBuilder();
        TextMesh m_Text;
        string m_Status = "";
        float m_NextRefresh;

        public TalkingTogetherClient Client { get { return m_Client; } set { m_Client = value; } }

        /// <summary>The text shown now.</summary>
        public string Status { get { return m_Status; } }

        void Start()
        {
            if (!m_InScene)
                return;
            m_Text = gameObject.AddComponent<TextMesh>();
            // Unity 2022.2 renamed the built-in font; older editors still ship Arial.ttf.
#if UNITY_2022_2_OR_NEWER
            var font = Resources.GetBuiltinResource<Font>("LegacyRuntime.ttf");
#else
            var font = Resources.GetBuiltinResource<Font>("Arial.ttf");
#endif
            if (font != null)
            {
                m_Text.font = font;
                GetComponent<MeshRenderer>().sharedMaterial = font.material;
            }
            m_Text.fontSize = 48;
            m_Text.characterSize = 0.01f;
            m_Text.anchor = TextAnchor.LowerCenter;
            m_Text.alignment = TextAlignment.Center;
            m_Text.color = Color.white;
        }

        void Update()
        {
            if (Time.unscaledTime < m_NextRefresh)
                return;
            m_NextRefresh = Time.unscaledTime + m_RefreshSeconds;
            m_Status = Describe();
            if (m_Text != null)
                m_Text.text = m_Status;
        }

        void OnGUI()
        {
            if (!m_OnScreen)
                return;
            GUILayout.BeginArea(new Rect(10f, 10f, 460f, 200f));
            GUILayout.Box(m_Status);
            GUILayout.EndArea();
        }

        string Describe()
        {
            var b = m_Builder;
            b.Length = 0;
            if (m_Client == null)
                return "Talking Together: no client";
            b.Append("Talking Together: ").Append(m_Client.isActiveAndEnabled ? m_Client.State.ToString() : "client disabled").Append('\n');
            b.Append(m_Client.Address).Append('\n');
            if (!m_Client.isActiveAndEnabled)
                return b.ToString();
            var error = m_Client.LastError;
            if (!string.IsNullOrEmpty(error))
                b.Append(error.Length > 90 ? error.Substring(0, 90) + "..." : error).Append('\n');
            m_Client.Statistics.AppendSummary(b);
            b.Append("\nreconnects ").Append(m_Client.Reconnects);
            ParticipantPose a, bPose;
            if (m_Client.TryGetPose(0, out a) && m_Client.TryGetPose(1, out bPose))
                b.Append("\nspeaking  A ").Append(a.Speaking.ToString("0.00"))
                 .Append("  B ").Append(bPose.Speaking.ToString("0.00"));
            return b.ToString();
        }
    }
}
