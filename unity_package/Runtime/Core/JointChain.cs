namespace TalkingTogether.Bridge
{
    /// <summary>
    /// Composes the contract's parent-relative joint rotations (neck in the anchor frame, head in
    /// the neck's, eyes in the head's) into rotations in the anchor frame, which is what a rig
    /// with arbitrary bone axes needs: the avatar multiplies them by each bone's rest rotation
    /// relative to its root, so the rig's own bone orientations never have to match the contract's.
    /// </summary>
    public struct JointChain
    {
        public Quatf Neck;
        public Quatf Head;
        public Quatf LeftEye;
        public Quatf RightEye;

        /// <summary>Composes <paramref name="pose"/>'s rotations, in whichever space the pose is
        /// (Unity space after <see cref="UnitySpace"/>).</summary>
        public static JointChain Compose(ParticipantPose pose)
        {
            var neck = pose.Neck.Normalized;
            var head = (neck * pose.Head).Normalized;
            return new JointChain
            {
                Neck = neck,
                Head = head,
                LeftEye = (head * pose.LeftEye).Normalized,
                RightEye = (head * pose.RightEye).Normalized,
            };
        }
    }
}
