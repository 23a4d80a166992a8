using UnityEngine;

namespace TalkingTogether.Bridge.Samples
{
    /// <summary>
    /// Builds the Two Placeholder Heads scene when it starts, from primitives, so the sample needs
    /// no hand-made scene or prefab: on this GameObject a <see cref="TalkingTogetherClient"/> and a
    /// <see cref="RoomAnchor"/> (each added if missing), then two <see cref="PlaceholderHeads"/>
    /// avatars, a floor and a table at the room origin, a <see cref="StatusPanel"/> above the
    /// table, and the main camera placed where it sees both seats of the default layout
    /// (face to face across a table, 1.2 m apart).
    /// Put it on an empty GameObject in any scene, or use
    /// <i>Tools → Talking Together → New Two Placeholder Heads Scene</i>, which does that and saves
    /// the scene. Set the client's <i>Address</i> (and, for a server on the LAN, TLS and a token)
    /// before pressing Play.
    /// </summary>
    [AddComponentMenu("Talking Together/Samples/Sample Bootstrap")]
    [DisallowMultipleComponent]
    public sealed class SampleBootstrap : MonoBehaviour
    {
        [Tooltip("Move the main camera to look at both seats. Turn off under an XR rig, which places the camera itself.")]
        [SerializeField] bool m_PlaceCamera = true;
        [Tooltip("Add a floor and a table, so the heads are seen in a room.")]
        [SerializeField] bool m_Props = true;
        [SerializeField] bool m_StatusPanel = true;

        TalkingTogetherClient m_Client;
        RoomAnchor m_Room;

        /// <summary>The client the sample drives its heads from.</summary>
        public TalkingTogetherClient Client { get { return m_Client; } }

        void Awake()
        {
            m_Client = GetComponent<TalkingTogetherClient>();
            if (m_Client == null)
                m_Client = gameObject.AddComponent<TalkingTogetherClient>();
            m_Room = GetComponent<RoomAnchor>();
            if (m_Room == null)
                m_Room = gameObject.AddComponent<RoomAnchor>();

            var heads = new GameObject("Placeholder Heads").AddComponent<PlaceholderHeads>();
            heads.transform.SetParent(transform, false);
            heads.Client = m_Client;
            heads.Room = m_Room;

            if (m_Props)
                BuildProps();
            if (m_StatusPanel)
            {
                var panel = new GameObject("Status Panel");
                panel.transform.SetParent(transform, false);
                panel.transform.localPosition = new Vector3(0f, 1.55f, 0.4f); // above and behind the table, between the heads
                panel.AddComponent<StatusPanel>().Client = m_Client;
            }
            if (m_PlaceCamera)
                PlaceCamera();
        }

        void BuildProps()
        {
            // Room frame R's origin is the midpoint between the two seats, on the floor.
            var floor = Prop(PrimitiveType.Plane, "Floor", new Vector3(0f, 0f, 0f), new Vector3(0.4f, 1f, 0.4f), new Color(0.32f, 0.33f, 0.36f));
            var table = Prop(PrimitiveType.Cylinder, "Table", new Vector3(0f, 0.37f, 0f), new Vector3(0.7f, 0.37f, 0.7f), new Color(0.55f, 0.42f, 0.3f));
            floor.SetParent(transform, false);
            table.SetParent(transform, false);
        }

        static Transform Prop(PrimitiveType type, string name, Vector3 position, Vector3 scale, Color color)
        {
            var prop = GameObject.CreatePrimitive(type);
            prop.name = name;
            prop.transform.localPosition = position;
            prop.transform.localScale = scale;
            prop.GetComponent<Renderer>().material.color = color;
            return prop.transform;
        }

        void PlaceCamera()
        {
            var camera = Camera.main;
            if (camera == null)
            {
                var go = new GameObject("Main Camera");
                go.tag = "MainCamera";
                camera = go.AddComponent<Camera>();
            }
            // Seen from the side of the table: A on the left, B on the right, both at eye height.
            camera.transform.SetPositionAndRotation(
                transform.TransformPoint(new Vector3(0f, 1.3f, -1.6f)),
                transform.rotation * Quaternion.Euler(10f, 0f, 0f));
        }
    }
}
