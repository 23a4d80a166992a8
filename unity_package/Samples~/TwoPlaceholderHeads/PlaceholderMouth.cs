using UnityEngine;

namespace TalkingTogether.Bridge.Samples
{
    /// <summary>Opens a placeholder's mouth with the participant's jawOpen weight, standing in for
    /// the blendshapes a real rig has.</summary>
    public sealed class PlaceholderMouth : MonoBehaviour
    {
        static readonly int s_JawOpen = Arkit.IndexOf("jawOpen");

        PoseSource m_Client;
        int m_Participant;
        Transform m_Mouth;

        public void Bind(PoseSource client, int participant, Transform mouth)
        {
            m_Client = client;
            m_Participant = participant;
            m_Mouth = mouth;
        }

        void LateUpdate()
        {
            ParticipantPose pose;
            if (m_Client != null && m_Client.TryGetPose(m_Participant, out pose))
                m_Mouth.localScale = new Vector3(1f, 1f + 5f * pose.Expression[s_JawOpen], 1f);
        }
    }
}
