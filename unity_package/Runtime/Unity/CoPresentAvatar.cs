using System;
using System.Collections.Generic;
using UnityEngine;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// Drives one participant's avatar from a <see cref="PoseSource"/> (a Talking Together Client).
    /// <list type="bullet">
    /// <item><b>Rig</b>: this transform is placed so that the rig's rest neck lands on the
    /// participant's seat (the anchor is the neck base) and, for a seated rig whose root is at its
    /// feet, the feet stand on the STAGE floor (Core's <see cref="RigPlacement"/>); the neck, head
    /// and eye bones turn by the streamed rotations on top of their rest pose, so any rig works
    /// whatever its bone axes, as long as it faces its root's +Z at rest.</item>
    /// <item><b>HeadOnly</b>: <see cref="m_HeadRoot"/> takes the composed head pose, for
    /// placeholder heads or rigs without a neck.</item>
    /// </list>
    /// Blendshapes are driven in both modes through Core's <see cref="FaceDriver"/>: summed
    /// mappings with gain and curve, a preset per rig family, eyeLook* shapes only when the eye
    /// bones do not already turn (<see cref="EyeDrive"/>). When the source stops (disabled,
    /// paused) the avatar goes back to its rest pose and a neutral face once, then leaves the
    /// bones alone. Runs in LateUpdate so that it overrides an Animator on the same bones; the rest
    /// pose is taken in the first LateUpdate, after the Animator has posed the rig (a sitting clip).
    /// </summary>
    [AddComponentMenu("Talking Together/Co-Present Avatar")]
    public sealed class CoPresentAvatar : MonoBehaviour
    {
        public enum Participant { A = 0, B = 1 }
        public enum DriveMode { Rig, HeadOnly }

        [Tooltip("The pose source: a Talking Together Client, or any PoseSource.")]
        [SerializeField] PoseSource m_Client;
        [Tooltip("The room calibration; none means room frame R is Unity's world.")]
        [SerializeField] RoomAnchor m_Room;
        [SerializeField] Participant m_Participant = Participant.A;
        [SerializeField] DriveMode m_Mode = DriveMode.Rig;

        [Header("Rig")]
        [Tooltip("Move this transform so that the rig's rest neck lands on the participant's seat.")]
        [SerializeField] bool m_PlaceAtAnchor = true;
        [Tooltip("When the rig's rest neck height differs from the seat's: NeckOnAnchor keeps the head where the person's is " +
                 "(a standing rig's feet then go below the floor); FeetOnFloor keeps the root on the floor.")]
        [SerializeField] SeatFit m_SeatFit = SeatFit.NeckOnAnchor;
        [Tooltip("Move the neck bone by the streamed offset of the neck base from the seat (leaning).")]
        [SerializeField] bool m_ApplyNeckOffset = true;
        [SerializeField] Transform m_Neck;
        [SerializeField] Transform m_Head;
        [SerializeField] Transform m_LeftEye;
        [SerializeField] Transform m_RightEye;
        [Tooltip("Auto: eye bones when set, else the eyeLook* blendshapes; never both (the eyes would move twice).")]
        [SerializeField] EyeDrive m_EyeDrive = EyeDrive.Auto;

        [Header("Head only")]
        [SerializeField] Transform m_HeadRoot;

        [Header("Face")]
        [SerializeField] SkinnedMeshRenderer[] m_FaceRenderers = new SkinnedMeshRenderer[0];
        [Tooltip("Other targets by name, e.g. a VRM 1.0 expression adapter (a BlendshapeTargetBehaviour).")]
        [SerializeField] BlendshapeTargetBehaviour[] m_ExpressionTargets = new BlendshapeTargetBehaviour[0];
        [Tooltip("ArkitNamed: Ready Player Me, Perfect-Sync VRoid. Cc4Extended: Character Creator 4. Vrm10Expressions: VRM 1.0 expression targets.")]
        [SerializeField] BlendshapePreset m_Preset = BlendshapePreset.ArkitNamed;
        [Tooltip("Rows on top of the preset: an ARKit name with rows here loses the preset's rows. Rows add up per rig shape; " +
                 "Scale is the gain, Exponent the curve (1 or 0: linear).")]
        [SerializeField] List<BlendshapeRemap> m_Remap = new List<BlendshapeRemap>();

        [Header("Smoothing")]
        [SerializeField] bool m_Smooth = true;
        [Tooltip("1-euro filter of the blendshape weights. The default (3 Hz, beta 2, derivative 4 Hz) costs a 4 Hz jaw about 8.5 ms and no amplitude.")]
        [SerializeField] OneEuroSettings m_ExpressionSmoothing = PoseSmoother.DefaultExpression;
        [Tooltip("1-euro filter of the neck, head and eye rotations (min cutoff Hz, beta per rad/s).")]
        [SerializeField] OneEuroSettings m_RotationSmoothing = PoseSmoother.DefaultRotation;

        readonly ParticipantPose m_Pose = new ParticipantPose();
        readonly ParticipantPose m_Rest = new ParticipantPose();
        readonly PoseSmoother m_Smoother = new PoseSmoother();
        FaceDriver m_Face;
        bool m_RestCaptured;
        bool m_AtRest = true;
        Quaternion m_NeckRest, m_HeadRest, m_LeftEyeRest, m_RightEyeRest;
        Vec3f m_NeckRestPosition;

        /// <summary>The pose source. Any <see cref="PoseSource"/>; the Talking Together Client is one.</summary>
        public PoseSource Client { get { return m_Client; } set { m_Client = value; } }
        public RoomAnchor Room { get { return m_Room; } set { m_Room = value; } }
        public Participant Who { get { return m_Participant; } set { m_Participant = value; } }
        public DriveMode Mode { get { return m_Mode; } set { m_Mode = value; } }
        public SeatFit Fit { get { return m_SeatFit; } set { m_SeatFit = value; } }
        public EyeDrive Eyes { get { return m_EyeDrive; } set { m_EyeDrive = value; } }
        public Transform HeadRoot { get { return m_HeadRoot; } set { m_HeadRoot = value; } }
        public SkinnedMeshRenderer[] FaceRenderers { get { return m_FaceRenderers; } set { m_FaceRenderers = value ?? new SkinnedMeshRenderer[0]; BuildFace(); } }
        public BlendshapeTargetBehaviour[] ExpressionTargets { get { return m_ExpressionTargets; } set { m_ExpressionTargets = value ?? new BlendshapeTargetBehaviour[0]; BuildFace(); } }
        public BlendshapePreset Preset { get { return m_Preset; } set { m_Preset = value; BuildFace(); } }
        /// <summary>The custom rows; call <see cref="BuildFace"/> after changing them at run time.</summary>
        public IList<BlendshapeRemap> Remap { get { return m_Remap; } }
        public bool Smooth { get { return m_Smooth; } set { m_Smooth = value; } }
        public OneEuroSettings ExpressionSmoothing { get { return m_ExpressionSmoothing; } set { m_ExpressionSmoothing = value; } }
        public OneEuroSettings RotationSmoothing { get { return m_RotationSmoothing; } set { m_RotationSmoothing = value; } }

        /// <summary>After placement on a seat: the root's height above the STAGE floor, metres
        /// (0 when the rig's rest neck height matches the seat's; see <see cref="SeatFit"/>).</summary>
        public float FeetAboveFloor { get; private set; }

        /// <summary>The preset's rows with the custom rows on top: what the face is driven by.</summary>
        public List<BlendshapeRemap> EffectiveRemap { get { return BlendshapePresets.Combine(m_Preset, m_Remap); } }

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

        /// <summary>The blendshape map of a face renderer with <paramref name="remap"/> rows on
        /// ARKit names, for the editor's check.</summary>
        public static BlendshapeMap MapFor(SkinnedMeshRenderer renderer, IList<BlendshapeRemap> remap)
        {
            var target = new SkinnedMeshBlendshapeTarget(renderer);
            var names = new string[target.ShapeCount];
            for (var i = 0; i < names.Length; i++)
                names[i] = target.GetShapeName(i);
            return new BlendshapeMap(names, remap);
        }

        /// <summary>The map this avatar drives <paramref name="renderer"/> with (preset and rows).</summary>
        public BlendshapeMap MapFor(SkinnedMeshRenderer renderer)
        {
            var target = new SkinnedMeshBlendshapeTarget(renderer);
            var names = new string[target.ShapeCount];
            for (var i = 0; i < names.Length; i++)
                names[i] = target.GetShapeName(i);
            return new BlendshapeMap(names, EffectiveRemap, BlendshapePresets.MatchesArkitNames(m_Preset));
        }

        /// <summary>Each bone's rest rotation and the neck's rest position relative to this root,
        /// so that streamed rotations apply on top of the rig's own bone axes. Taken by itself in
        /// the first LateUpdate; call again after changing the rig's rest pose.</summary>
        public void CaptureRestPose()
        {
            var inverseRoot = Quaternion.Inverse(transform.rotation);
            m_NeckRest = m_Neck != null ? inverseRoot * m_Neck.rotation : Quaternion.identity;
            m_HeadRest = m_Head != null ? inverseRoot * m_Head.rotation : Quaternion.identity;
            m_LeftEyeRest = m_LeftEye != null ? inverseRoot * m_LeftEye.rotation : Quaternion.identity;
            m_RightEyeRest = m_RightEye != null ? inverseRoot * m_RightEye.rotation : Quaternion.identity;
            m_NeckRestPosition = m_Neck != null ? (inverseRoot * (m_Neck.position - transform.position)).ToCore() : Vec3f.Zero;
            m_RestCaptured = true;
        }

        /// <summary>Rebuilds the face maps from the renderers, targets, preset and rows.</summary>
        public void BuildFace()
        {
            var targets = new List<IBlendshapeTarget>();
            foreach (var renderer in m_FaceRenderers)
                targets.Add(renderer != null ? new SkinnedMeshBlendshapeTarget(renderer) : null);
            foreach (var target in m_ExpressionTargets)
                targets.Add(target);
            try
            {
                m_Face = new FaceDriver(targets, EffectiveRemap, BlendshapePresets.MatchesArkitNames(m_Preset));
            }
            catch (ArgumentException e)
            {
                Debug.LogError("Co-Present Avatar: " + e.Message + "; the face runs without the remap rows.", this);
                m_Face = new FaceDriver(targets, BlendshapePresets.Rows(m_Preset), BlendshapePresets.MatchesArkitNames(m_Preset));
            }
        }

        void Awake()
        {
            BindHumanoidBones();
            BuildFace();
        }

        /// <summary>Empty Neck, Head and eye slots take the bones of a Humanoid avatar's Animator,
        /// so a Ready Player Me, VRM or Mixamo rig needs no bone wiring by hand.</summary>
        public void BindHumanoidBones()
        {
            var animator = GetComponentInChildren<Animator>();
            if (animator == null || !animator.isHuman)
                return;
            if (m_Neck == null) m_Neck = animator.GetBoneTransform(HumanBodyBones.Neck);
            if (m_Head == null) m_Head = animator.GetBoneTransform(HumanBodyBones.Head);
            if (m_LeftEye == null) m_LeftEye = animator.GetBoneTransform(HumanBodyBones.LeftEye);
            if (m_RightEye == null) m_RightEye = animator.GetBoneTransform(HumanBodyBones.RightEye);
        }

        void OnEnable()
        {
            m_Smoother.Reset();
            m_AtRest = true;
        }

        void LateUpdate()
        {
            if (!m_RestCaptured)
                CaptureRestPose();
            var feed = m_Client != null ? m_Client.Feed : null;
            var who = (int)m_Participant;
            ParticipantPose room;
            if (feed == null || !feed.TryGetPose(who, out room))
            {
                if (!m_AtRest)
                    ShowRest(feed);
                return;
            }
            m_AtRest = false;
            UnitySpace.ToUnity(room, m_Pose);
            if (m_Smooth)
            {
                m_Smoother.Expression = m_ExpressionSmoothing;
                m_Smoother.Rotation = m_RotationSmoothing;
                m_Smoother.Filter(m_Pose, Time.deltaTime);
            }
            Drive(m_Pose, feed);
        }

        /// <summary>Once, when the stream stops: rest pose, neutral face; then hands off.</summary>
        void ShowRest(PoseFeed feed)
        {
            m_AtRest = true;
            m_Smoother.Reset();
            Anchor anchor;
            if (feed == null || !feed.TryGetAnchor((int)m_Participant, out anchor))
                anchor = default(Anchor);
            m_Rest.SetRest(anchor);
            UnitySpace.ToUnity(m_Rest, m_Pose);
            Drive(m_Pose, feed);
            m_Face.ApplyRest();
        }

        void Drive(ParticipantPose pose, PoseFeed feed)
        {
            var calibration = m_Room != null ? m_Room.Calibration : RigidTransform.Identity;
            bool turnEyes, eyeShapes;
            if (m_Mode == DriveMode.HeadOnly)
            {
                if (m_HeadRoot != null)
                    m_HeadRoot.SetPositionAndRotation(
                        calibration.ApplyToPoint(pose.HeadWorldPosition).ToEngine(),
                        calibration.ApplyToRotation(pose.HeadWorldRotation).ToEngine());
                EyeDriveRule.Resolve(m_EyeDrive, false, out turnEyes, out eyeShapes);
            }
            else
            {
                EyeDriveRule.Resolve(m_EyeDrive, m_LeftEye != null || m_RightEye != null, out turnEyes, out eyeShapes);
                DriveRig(calibration, pose, feed, turnEyes);
            }
            m_Face.Apply(pose.Expression, eyeShapes);
        }

        void DriveRig(RigidTransform calibration, ParticipantPose pose, PoseFeed feed, bool turnEyes)
        {
            var offset = m_ApplyNeckOffset ? pose.Translation : Vec3f.Zero;
            Vec3f neck;
            Anchor anchor;
            if (m_PlaceAtAnchor && feed != null && feed.TryGetAnchor((int)m_Participant, out anchor))
            {
                var placed = RigPlacement.OnSeat(calibration, anchor, m_NeckRestPosition, offset, m_SeatFit);
                transform.SetPositionAndRotation(placed.Root.Translation.ToEngine(), placed.Root.Rotation.ToEngine());
                FeetAboveFloor = placed.FeetAboveFloor;
                neck = placed.Neck;
            }
            else
            {
                var here = new RigidTransform(transform.rotation.ToCore(), transform.position.ToCore());
                neck = RigPlacement.NeckInPlace(here, m_NeckRestPosition, offset);
            }
            var root = transform.rotation;
            var chain = JointChain.Compose(pose);
            if (m_Neck != null)
            {
                if (m_ApplyNeckOffset)
                    m_Neck.position = neck.ToEngine();
                m_Neck.rotation = root * chain.Neck.ToEngine() * m_NeckRest;
            }
            if (m_Head != null)
                m_Head.rotation = root * chain.Head.ToEngine() * m_HeadRest;
            if (!turnEyes)
                return;
            if (m_LeftEye != null)
                m_LeftEye.rotation = root * chain.LeftEye.ToEngine() * m_LeftEyeRest;
            if (m_RightEye != null)
                m_RightEye.rotation = root * chain.RightEye.ToEngine() * m_RightEyeRest;
        }
    }
}
