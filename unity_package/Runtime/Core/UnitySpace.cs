namespace TalkingTogether.Bridge
{
    /// <summary>
    /// Conversion from the contract's room frame R (right-handed, +Y up, -Z forward) to Unity's
    /// left-handed space (+Z forward): a mirror of Z. Positions become (x, y, -z) and rotations
    /// (-x, -y, z, w). Rotations relative to a parent convert the same way, since the mirror
    /// applies to parent and child frames alike; so R's -Z face direction becomes Unity's +Z.
    /// The Python side pins the same formulas (talking_together.geometry.unity).
    /// </summary>
    public static class UnitySpace
    {
        public static Vec3f ToUnity(Vec3f roomPosition)
        {
            return new Vec3f(roomPosition.x, roomPosition.y, -roomPosition.z);
        }

        public static Quatf ToUnity(Quatf roomRotation)
        {
            return new Quatf(-roomRotation.x, -roomRotation.y, roomRotation.z, roomRotation.w);
        }

        /// <summary>The anchor frame in Unity space: where an avatar's root goes.</summary>
        public static RigidTransform ToUnity(Anchor anchor)
        {
            return new RigidTransform(ToUnity(anchor.Rotation), ToUnity(anchor.Position));
        }

        /// <summary>Writes <paramref name="room"/>, converted, into <paramref name="unity"/>.
        /// Expression and speaking carry no frame and are copied.</summary>
        public static void ToUnity(ParticipantPose room, ParticipantPose unity)
        {
            unity.CopyFrom(room);
            unity.Translation = ToUnity(room.Translation);
            unity.Neck = ToUnity(room.Neck);
            unity.Head = ToUnity(room.Head);
            unity.LeftEye = ToUnity(room.LeftEye);
            unity.RightEye = ToUnity(room.RightEye);
            unity.HeadWorldPosition = ToUnity(room.HeadWorldPosition);
            unity.HeadWorldRotation = ToUnity(room.HeadWorldRotation);
        }
    }
}
