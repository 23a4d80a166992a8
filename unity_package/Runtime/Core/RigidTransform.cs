using System;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// A rotation then a translation, both in Unity space. The room calibration is one: it takes
    /// room frame R (after <see cref="UnitySpace"/>'s mirror) to Unity world, so that the two
    /// avatars sit on the real seats of the room the headset is in. Rigid on purpose: a scale
    /// would make the avatars' heads disagree with the people they stand in for.
    /// </summary>
    [Serializable]
    public struct RigidTransform
    {
        public Quatf Rotation;
        public Vec3f Translation;

        public RigidTransform(Quatf rotation, Vec3f translation)
        {
            Rotation = rotation.Normalized;
            Translation = translation;
        }

        public static RigidTransform Identity { get { return new RigidTransform(Quatf.Identity, Vec3f.Zero); } }

        public Vec3f ApplyToPoint(Vec3f point) { return Rotation * point + Translation; }

        public Quatf ApplyToRotation(Quatf rotation) { return (Rotation * rotation).Normalized; }

        /// <summary>Pose composition: the result maps like applying <paramref name="inner"/>
        /// first, then <paramref name="outer"/>.</summary>
        public static RigidTransform operator *(RigidTransform outer, RigidTransform inner)
        {
            return new RigidTransform(outer.Rotation * inner.Rotation, outer.ApplyToPoint(inner.Translation));
        }

        public RigidTransform Inverse
        {
            get
            {
                var inv = Rotation.Conjugate;
                return new RigidTransform(inv, -(inv * Translation));
            }
        }
    }
}
