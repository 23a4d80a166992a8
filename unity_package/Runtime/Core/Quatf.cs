using System;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// A rotation quaternion (x, y, z, w), the component order of the wire and of Unity.
    /// Only the operations the bridge needs are here: composition, rotating a vector,
    /// inversion and slerp.
    /// </summary>
    [Serializable]
    public struct Quatf : IEquatable<Quatf>
    {
        public float x;
        public float y;
        public float z;
        public float w;

        public Quatf(float x, float y, float z, float w)
        {
            this.x = x;
            this.y = y;
            this.z = z;
            this.w = w;
        }

        public static Quatf Identity { get { return new Quatf(0f, 0f, 0f, 1f); } }

        /// <summary>Rotation of <paramref name="radians"/> about the unit <paramref name="axis"/>
        /// (right-hand rule in a right-handed frame, left-hand rule in Unity's).</summary>
        public static Quatf AngleAxis(float radians, Vec3f axis)
        {
            var s = (float)Math.Sin(radians * 0.5);
            return new Quatf(axis.x * s, axis.y * s, axis.z * s, (float)Math.Cos(radians * 0.5));
        }

        /// <summary>Hamilton product: applying <c>a * b</c> to a vector applies b first, then a,
        /// as Unity's <c>Quaternion * Quaternion</c> does.</summary>
        public static Quatf operator *(Quatf a, Quatf b)
        {
            return new Quatf(
                a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
                a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
                a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w,
                a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z);
        }

        /// <summary>Rotates a vector (q v q*), expanded so that no temporary quaternions are made.</summary>
        public static Vec3f operator *(Quatf q, Vec3f v)
        {
            var u = new Vec3f(q.x, q.y, q.z);
            var t = Vec3f.Cross(u, v) * 2f;
            return v + t * q.w + Vec3f.Cross(u, t);
        }

        /// <summary>The inverse of a unit quaternion.</summary>
        public Quatf Conjugate { get { return new Quatf(-x, -y, -z, w); } }

        public static float Dot(Quatf a, Quatf b) { return a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w; }

        /// <summary>The same rotation scaled to unit length. The wire carries float32 values that
        /// drift from unit length; composing drifted quaternions would scale vectors too.</summary>
        public Quatf Normalized
        {
            get
            {
                var n = (float)Math.Sqrt(Dot(this, this));
                return n > 1e-12f ? new Quatf(x / n, y / n, z / n, w / n) : Identity;
            }
        }

        /// <summary>The angle in radians between two rotations, in [0, pi].</summary>
        public static float Angle(Quatf a, Quatf b)
        {
            var d = Math.Min(1.0, Math.Abs((double)Dot(a.Normalized, b.Normalized)));
            return (float)(2.0 * Math.Acos(d));
        }

        /// <summary>Spherical interpolation along the shorter arc; falls back to normalised lerp
        /// when the two are nearly equal, where slerp's division by sin(theta) loses precision.</summary>
        public static Quatf Slerp(Quatf a, Quatf b, float t)
        {
            var d = Dot(a, b);
            if (d < 0f)
            {
                b = new Quatf(-b.x, -b.y, -b.z, -b.w);
                d = -d;
            }
            double wa, wb;
            if (d > 0.9995f)
            {
                wa = 1.0 - t;
                wb = t;
            }
            else
            {
                var theta = Math.Acos(d);
                var sin = Math.Sin(theta);
                wa = Math.Sin((1.0 - t) * theta) / sin;
                wb = Math.Sin(t * theta) / sin;
            }
            return new Quatf(
                (float)(wa * a.x + wb * b.x), (float)(wa * a.y + wb * b.y),
                (float)(wa * a.z + wb * b.z), (float)(wa * a.w + wb * b.w)).Normalized;
        }

        public bool Equals(Quatf other) { return x == other.x && y == other.y && z == other.z && w == other.w; }
        public override bool Equals(object obj) { return obj is Quatf && Equals((Quatf)obj); }
        public override int GetHashCode() { return x.GetHashCode() ^ (y.GetHashCode() << 2) ^ (z.GetHashCode() >> 2) ^ (w.GetHashCode() >> 1); }
        public override string ToString() { return string.Format("({0:F4}, {1:F4}, {2:F4}, {3:F4})", x, y, z, w); }
    }
}
