namespace TalkingTogether.Bridge
{
    /// <summary>How a rig is fitted to a seat when its rest neck height above its root differs
    /// from the seat's neck height above the floor.</summary>
    public enum SeatFit
    {
        /// <summary>The rest neck lands on the anchor: the head is where the person's is, and the
        /// gaze meets. A seated rig whose root is at its feet then stands on the floor; a taller
        /// (standing) rig's feet go below it, a shorter one's above. See <see cref="RigPlacement.FeetAboveFloor"/>.</summary>
        NeckOnAnchor,
        /// <summary>The root stays on the STAGE floor, the neck over the anchor at the rig's own
        /// height: for standing avatars, at the price of the head's height.</summary>
        FeetOnFloor,
    }

    /// <summary>
    /// Where a rig goes on a seat, all in Unity space. The anchor is the neck base (about 1.05 m up
    /// for a seated person) and room frame R's origin is on the floor, so the rig's root is placed
    /// so that its rest neck, not its root, lands on the anchor: root = anchor - R_seat * restNeck.
    /// Putting the root on the anchor and then adding the rest neck offset, as before, lifted a
    /// Ready Player Me or VRM rig (root at the feet) by its own neck height, to about 2.5 m.
    /// </summary>
    public struct RigPlacement
    {
        /// <summary>The root's pose in Unity world.</summary>
        public RigidTransform Root;
        /// <summary>Where the neck bone goes in Unity world: its rest position plus the streamed
        /// offset of the neck base from the anchor.</summary>
        public Vec3f Neck;
        /// <summary>The root's height above the STAGE floor (R's y = 0), metres: 0 for a rig whose
        /// root is at its feet and whose rest neck is as high as the seat's; the height mismatch
        /// otherwise (negative: feet below the floor).</summary>
        public float FeetAboveFloor;

        /// <param name="calibration">Room frame R (in Unity space) to Unity world: the room anchor.</param>
        /// <param name="anchor">The seat, in R (as on the wire).</param>
        /// <param name="restNeck">The neck bone's rest position relative to the root, in the root's
        /// frame (Unity space, +Z the way the rig faces).</param>
        /// <param name="translation">The streamed neck offset from the anchor, in the anchor frame,
        /// in Unity space (after <see cref="UnitySpace"/>).</param>
        public static RigPlacement OnSeat(RigidTransform calibration, Anchor anchor, Vec3f restNeck, Vec3f translation,
                                          SeatFit fit = SeatFit.NeckOnAnchor)
        {
            var seat = UnitySpace.ToUnity(anchor);
            var root = seat.Translation - seat.Rotation * restNeck; // a yaw: heights are kept
            if (fit == SeatFit.FeetOnFloor)
                root.y = 0f;
            var neck = root + seat.Rotation * (restNeck + translation);
            return new RigPlacement
            {
                Root = calibration * new RigidTransform(seat.Rotation, root),
                Neck = calibration.ApplyToPoint(neck),
                FeetAboveFloor = root.y,
            };
        }

        /// <summary>A rig placed by hand: the root stays where it is, the neck bone goes to its rest
        /// position plus the streamed offset, in the root's frame.</summary>
        public static Vec3f NeckInPlace(RigidTransform root, Vec3f restNeck, Vec3f translation)
        {
            return root.ApplyToPoint(restNeck + translation);
        }
    }
}
