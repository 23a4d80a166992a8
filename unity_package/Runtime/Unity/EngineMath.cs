using UnityEngine;

namespace TalkingTogether.Bridge
{
    /// <summary>Core's engine-free maths types to and from UnityEngine's. The values are already in
    /// Unity space (see <see cref="UnitySpace"/>); these only change the type.</summary>
    public static class EngineMath
    {
        public static Vector3 ToEngine(this Vec3f v) { return new Vector3(v.x, v.y, v.z); }
        public static Quaternion ToEngine(this Quatf q) { return new Quaternion(q.x, q.y, q.z, q.w); }
        public static Vec3f ToCore(this Vector3 v) { return new Vec3f(v.x, v.y, v.z); }
        public static Quatf ToCore(this Quaternion q) { return new Quatf(q.x, q.y, q.z, q.w); }
    }
}
