using System;
using System.Collections.Generic;
using UnityEngine;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// Drives one participant's avatar from a <see cref="TalkingTogetherClient"/>.
    /// <list type="bullet">
    /// <item><b>Rig</b>: this transform is placed on the participant's seat (the anchor), and the
    /// neck, head and eye bones turn by the streamed rotations on top of their rest pose, so any
    /// rig works whatever its bone axes, as long as it faces its root's +Z at rest.</item>
    /// <item><b>HeadOnly</b>: <see cref="m_HeadRoot"/> takes the composed head pose, for
    /// placeholder heads or rigs without a neck.</item>
    /// </list>
    /// Blendshapes are driven in both modes, from each renderer's own shape names through
    /// Core's <see cref="BlendshapeMap"/> and the optional remap table.
    /// Runs in LateUpdate so that it overrides an Animator on the same bones.
    /// </summary>
    [AddComponentMenu("Talking Together/Co-Present Avatar")]
    public sealed class CoPresentAvatar : MonoBehaviour
    {
        public enum Participant { A = 0, B = 1 }
        public enum DriveMode { Rig, HeadOnly }

        [SerializeField] TalkingTogetherClient m_Client;
        [Tooltip("The room calibration; none means room frame R is Unity's world.")]
        [SerializeField] RoomAnchor m_Room;
        [SerializeField] Participant m_Participant = Participant.A;
        [SerializeField] DriveMode m_Mode = DriveMode.Rig;

        [Header("Rig")]
        [Tooltip("Move this transform onto the participant's seat from the stream header.")]
        [SerializeField] bool m_PlaceAtAnchor = true;
        [SerializeField] Transform m_Neck;
        [SerializeField] Transform m_Head;
        [SerializeField] Transform m_LeftEye;
        [SerializeField] Transform m_RightEye;

        [Header("Head only")]
        [SerializeField] Transform m_HeadRoot;

        [Header("Face")]
        [SerializeField] SkinnedMeshRenderer[] m_FaceRenderers = new SkinnedMeshRenderer[0];
        [Tooltip("Rows that override the automatic ARKit name match for this rig.")]
        [SerializeField] List<BlendshapeRemap> m_Remap = new List<BlendshapeRemap>();

        [Header("Smoothing")]
        [SerializeField] bool m_Smooth = true;

        readonly ParticipantPose m_Pose = new ParticipantPose();
        readonly PoseSmoother m_Smoother = new PoseSmoother();
        BlendshapeMap[] m_Maps;
        Action<int, float>[] m_SetWeights;
        Quaternion m_NeckRest, m_HeadRest, m_LeftEyeRest, m_RightEyeRest;
        Vector3 m_NeckRestPosition;

        public TalkingTogetherClient Client { get { return m_Client; } set { m_Client = value; } }
        public RoomAnchor Room { get { return m_Room; } set { m_Room = value; } }
        public Participant Who { get { return m_Participant; } set { m_Participant = value; } }
        public DriveMode Mode { get { return m_Mode; } set { m_Mode = value; } }
        public Transform HeadRoot { get { return m_HeadRoot; } set { m_HeadRoot = value; } }
        public SkinnedMeshRenderer[] FaceRenderers { get { return m_FaceRenderers; } set { m_FaceRenderers = value; BuildMaps(); } }
        public IList<BlendshapeRemap> Remap { get { return m_Remap; } }

        /// <summary>Sets the rig's bones (any may be null) and takes their current pose as the rest
        /// pose; for avatars built or swapped at run time.</summary>
        public void SetBones(Transform neck, Transform head, Transform leftEye, Transform rightEye)
        {
            m_Neck = neck;
            m_Head = head;
            m_LeftEye = leftEye;
            m_RightEye = rightEye;
            CaptureRestPose();
        }

        /// <summary>The blendshape map of each face renderer, for the editor's check.</summary>
        public static BlendshapeMap MapFor(SkinnedMeshRenderer renderer, IList<BlendshapeRemap> remap)
        {
            var mesh = renderer.sharedMesh;
            var names = new string[mesh == null ? 0 : mesh.blendShapeCount];
            for (var i = 0; i < names.Length; i++)
                names[i] = mesh.GetBlendShapeName(i);
            return new BlendshapeMap(names, remap);
        }

        void Awake()
        {
            CaptureRestPose();
            BuildMaps();
        }

        void OnEnable()
        {
            m_Smoother.Reset();
        }

        void LateUpdate()
        {
            ParticipantPose room;
            if (m_Client == null || !m_Client.TryGetPose((int)m_Participant, out room))
                return;
            UnitySpace.ToUnity(room, m_Pose);
            if (m_Smooth)
                m_Smoother.Filter(m_Pose, Time.deltaTime);
            var calibration = m_Room != null ? m_Room.Calibration : RigidTransform.Identity;

            if (m_Mode == DriveMode.HeadOnly)
            {
                if (m_HeadRoot != null)
                    m_HeadRoot.SetPositionAndRotation(
                        calibration.ApplyToPoint(m_Pose.HeadWorldPosition).ToEngine(),
                        calibration.ApplyToRotation(m_Pose.HeadWorldRotation).ToEngine());
            }
            else
            {
                DriveRig(calibration);
            }
            for (var r = 0; r < m_Maps.Length; r++)
                m_Maps[r].Apply(m_Pose.Expression, 100f, m_SetWeights[r]);
        }

        void DriveRig(RigidTransform calibration)
        {
            Anchor anchor;
            if (m_PlaceAtAnchor && m_Client.TryGetAnchor((int)m_Participant, out anchor))
            {
                var seat = calibration * UnitySpace.ToUnity(anchor);
                transform.SetPositionAndRotation(seat.Translation.ToEngine(), seat.Rotation.ToEngine());
            }
            var root = transform.rotation;
            var chain = JointChain.Compose(m_Pose);
            if (m_Neck != null)
            {
                m_Neck.position = transform.position + root * (m_NeckRestPosition + m_Pose.Translation.ToEngine());
                m_Neck.rotation = root * chain.Neck.ToEngine() * m_NeckRest;
            }
            if (m_Head != null)
                m_Head.rotation = root * chain.Head.ToEngine() * m_HeadRest;
            if (m_LeftEye != null)
                m_LeftEye.rotation = root * chain.LeftEye.ToEngine() * m_LeftEyeRest;
            if (m_RightEye != null)
                m_RightEye.rotation = root * chain.RightEye.ToEngine() * m_RightEyeRest;
        }

        /// <summary>Each bone's rest rotation and the neck's rest position relative to this root,
        /// so that streamed rotations apply on top of the rig's own bone axes.</summary>
        void CaptureRestPose()
        {
            var inverseRoot = Quaternion.Inverse(transform.rotation);
            m_NeckRest = m_Neck != null ? inverseRoot * m_Neck.rotation : Quaternion.identity;
            m_HeadRest = m_Head != null ? inverseRoot * m_Head.rotation : Quaternion.identity;
            m_LeftEyeRest = m_LeftEye != null ? inverseRoot * m_LeftEye.rotation : Quaternion.identity;
            m_RightEyeRest = m_RightEye != null ? inverseRoot * m_RightEye.rotation : Quaternion.identity;
            m_NeckRestPosition = m_Neck != null ? inverseRoot * (m_Neck.position - transform.position) : Vector3.zero;
        }

        void BuildMaps()
        {
            m_Maps = new BlendshapeMap[m_FaceRenderers.Length];
            m_SetWeights = new Action<int, float>[m_FaceRenderers.Length];
            for (var r = 0; r < m_FaceRenderers.Length; r++)
            {
                var renderer = m_FaceRenderers[r];
                m_Maps[r] = MapFor(renderer, m_Remap);
                m_SetWeights[r] = renderer.SetBlendShapeWeight;
            }
        }
    }
}
