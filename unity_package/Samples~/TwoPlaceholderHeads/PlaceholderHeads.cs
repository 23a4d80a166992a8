using UnityEngine;

namespace TalkingTogether.Bridge.Samples
{
    /// <summary>
    /// Builds two placeholder heads from primitives at Start and binds each to a
    /// <see cref="CoPresentAvatar"/> in Rig mode: an empty neck, a sphere head, two eyes with
    /// pupils (so gaze is visible) and a mouth that opens with jawOpen. Enough to see the stream
    /// working before a real rig is set up; nothing here is needed with a real avatar.
    /// <see cref="SampleBootstrap"/> adds it at run time; it can also be added by hand.
    /// </summary>
    [AddComponentMenu("Talking Together/Samples/Placeholder Heads")]
    public sealed class PlaceholderHeads : MonoBehaviour
    {
        [Tooltip("What drives the heads: a Talking Together Client, or any other PoseSource.")]
        [SerializeField] PoseSource m_Client;
        [SerializeField] RoomAnchor m_Room;
        [SerializeField] Color m_ColorA = new Color(0.95f, 0.65f, 0.45f);
        [SerializeField] Color m_ColorB = new Color(0.45f, 0.7f, 0.95f);

        public PoseSource Client { get { return m_Client; } set { m_Client = value; } }
        public RoomAnchor Room { get { return m_Room; } set { m_Room = value; } }

        void Start()
        {
            Build(CoPresentAvatar.Participant.A, m_ColorA);
            Build(CoPresentAvatar.Participant.B, m_ColorB);
        }

        void Build(CoPresentAvatar.Participant who, Color color)
        {
            var root = new GameObject("Avatar " + who);
            root.transform.SetParent(transform, false);
            var neck = new GameObject("Neck").transform;
            neck.SetParent(root.transform, false);
            var head = Part(PrimitiveType.Sphere, "Head", neck, new Vector3(0f, 0.12f, 0f), new Vector3(0.18f, 0.23f, 0.2f), color);
            var leftEye = Eye("LeftEye", head, -0.035f);
            var rightEye = Eye("RightEye", head, 0.035f);
            var mouth = Part(PrimitiveType.Cube, "Mouth", head, new Vector3(0f, -0.05f, 0.095f), new Vector3(0.05f, 0.01f, 0.01f), Color.black);

            var avatar = root.AddComponent<CoPresentAvatar>();
            avatar.Client = m_Client;
            avatar.Room = m_Room;
            avatar.Who = who;
            avatar.SetBones(neck, head, leftEye, rightEye);
            root.AddComponent<PlaceholderMouth>().Bind(m_Client, (int)who, mouth);
        }

        static Transform Eye(string name, Transform head, float x)
        {
            var eye = Part(PrimitiveType.Sphere, name, head, new Vector3(x, 0.03f, 0.085f), Vector3.one * 0.03f, Color.white);
            Part(PrimitiveType.Sphere, "Pupil", eye, new Vector3(0f, 0f, 0.012f), Vector3.one * 0.012f, Color.black);
            return eye;
        }

        /// <summary>A primitive with its own transform unscaled, so children's offsets stay in metres.</summary>
        static Transform Part(PrimitiveType type, string name, Transform parent, Vector3 position, Vector3 size, Color color)
        {
            var pivot = new GameObject(name).transform;
            pivot.SetParent(parent, false);
            pivot.localPosition = position;
            var shape = GameObject.CreatePrimitive(type);
            Destroy(shape.GetComponent<Collider>());
            shape.transform.SetParent(pivot, false);
            shape.transform.localScale = size;
            shape.GetComponent<Renderer>().material.color = color;
            return pivot;
        }
    }
}
