using NUnit.Framework;

namespace TalkingTogether.Bridge.Tests
{
    /// <summary>Tolerant comparisons and frame builders shared by the Core tests.
    /// Written against the NUnit API common to NUnit 2.6 (Mono, in CI) and NUnit 3 (Unity).</summary>
    static class Assertions
    {
        public const float Eps = 1e-5f;

        public static void Near(Vec3f expected, Vec3f actual, float eps = Eps)
        {
            Assert.AreEqual(expected.x, actual.x, eps, "x of " + actual);
            Assert.AreEqual(expected.y, actual.y, eps, "y of " + actual);
            Assert.AreEqual(expected.z, actual.z, eps, "z of " + actual);
        }

        /// <summary>Same rotation: q and -q are equal.</summary>
        public static void SameRotation(Quatf expected, Quatf actual, float eps = Eps)
        {
            var d = System.Math.Abs(Quatf.Dot(expected.Normalized, actual.Normalized));
            Assert.AreEqual(1.0, d, eps, expected + " vs " + actual);
        }

        public static AnimationFrame Frame(long sequence, float value)
        {
            var f = new AnimationFrame { Sequence = sequence, CaptureTimeNs = sequence * 40000000L };
            foreach (var p in f.Participants)
            {
                p.Translation = new Vec3f(value, 0f, 0f);
                p.Head = Quatf.AngleAxis(value, new Vec3f(0f, 1f, 0f));
                p.Expression[17] = value; // jawOpen
                p.Speaking = value;
            }
            return f;
        }
    }
}
