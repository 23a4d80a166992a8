using System;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// A 3-vector of floats. Core keeps its own maths types, rather than UnityEngine's, so that it
    /// builds and is unit-tested outside the engine (under Mono); the Unity layer converts at
    /// the edge.
    /// </summary>
    [Serializable]
    public struct Vec3f : IEquatable<Vec3f>
    {
        public float x;
        public float y;
        public float z;

        public Vec3f(float x, float y, float z)
        {
            this.x = x;
            this.y = y;
            this.z = z;
        }

        public static Vec3f Zero { get { return new Vec3f(0f, 0f, 0f); } }

        public float Length { get { return (float)Math.Sqrt(x * x + y * y + z * z); } }

        public static Vec3f operator +(Vec3f a, Vec3f b) { return new Vec3f(a.x + b.x, a.y + b.y, a.z + b.z); }
        public static Vec3f operator -(Vec3f a, Vec3f b) { return new Vec3f(a.x - b.x, a.y - b.y, a.z - b.z); }
        public static Vec3f operator -(Vec3f a) { return new Vec3f(-a.x, -a.y, -a.z); }
        public static Vec3f operator *(Vec3f a, float s) { return new Vec3f(a.x * s, a.y * s, a.z * s); }

        public static Vec3f Lerp(Vec3f a, Vec3f b, float t)
        {
            return new Vec3f(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t);
        }

        public static Vec3f Cross(Vec3f a, Vec3f b)
        {
            return new Vec3f(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x);
        }

        public bool Equals(Vec3f other) { return x == other.x && y == other.y && z == other.z; }
        public override bool Equals(object obj) { return obj is Vec3f && Equals((Vec3f)obj); }
        public override int GetHashCode() { return x.GetHashCode() ^ (y.GetHashCode() << 2) ^ (z.GetHashCode() >> 2); }
        public override string ToString() { return string.Format("({0:F4}, {1:F4}, {2:F4})", x, y, z); }
    }
}
