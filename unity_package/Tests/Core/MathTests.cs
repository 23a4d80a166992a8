using System;
using NUnit.Framework;

namespace TalkingTogether.Bridge.Tests
{
    [TestFixture]
    public class MathTests
    {
        static readonly Vec3f Up = new Vec3f(0f, 1f, 0f);

        [Test]
        public void RotatingAVectorMatchesTheRightHandRule()
        {
            // 90 degrees about +Y turns +X to -Z in a right-handed frame.
            var q = Quatf.AngleAxis((float)(Math.PI / 2), Up);
            Assertions.Near(new Vec3f(0f, 0f, -1f), q * new Vec3f(1f, 0f, 0f));
        }

        [Test]
        public void ProductAppliesRightOperandFirst()
        {
            var a = Quatf.AngleAxis(0.7f, Up);
            var b = Quatf.AngleAxis(0.4f, new Vec3f(1f, 0f, 0f));
            var v = new Vec3f(0.3f, -0.2f, 0.9f);
            Assertions.Near(a * (b * v), (a * b) * v);
        }

        [Test]
        public void SlerpHitsEndpointsAndHalvesTheAngle()
        {
            var a = Quatf.AngleAxis(0.2f, Up);
            var b = Quatf.AngleAxis(1.4f, Up);
            Assertions.SameRotation(a, Quatf.Slerp(a, b, 0f));
            Assertions.SameRotation(b, Quatf.Slerp(a, b, 1f));
            Assertions.SameRotation(Quatf.AngleAxis(0.8f, Up), Quatf.Slerp(a, b, 0.5f));
        }

        [Test]
        public void SlerpTakesTheShorterArc()
        {
            var a = Quatf.AngleAxis(0.3f, Up);
            var b = Quatf.AngleAxis(0.5f, Up);
            var negB = new Quatf(-b.x, -b.y, -b.z, -b.w);
            Assertions.SameRotation(Quatf.AngleAxis(0.4f, Up), Quatf.Slerp(a, negB, 0.5f));
        }

        [Test]
        public void AngleBetweenRotations()
        {
            Assert.AreEqual(0.9, Quatf.Angle(Quatf.AngleAxis(0.1f, Up), Quatf.AngleAxis(1.0f, Up)), 1e-4);
        }

        [Test]
        public void RigidTransformInverseUndoesIt()
        {
            var t = new RigidTransform(Quatf.AngleAxis(1.1f, new Vec3f(0.6f, 0.8f, 0f)), new Vec3f(1f, 2f, 3f));
            var p = new Vec3f(-0.5f, 0.25f, 2f);
            Assertions.Near(p, t.Inverse.ApplyToPoint(t.ApplyToPoint(p)));
            Assertions.Near(p, (t.Inverse * t).ApplyToPoint(p));
            Assertions.SameRotation(Quatf.Identity, (t * t.Inverse).Rotation);
        }

        [Test]
        public void RigidTransformRotatesThenTranslates()
        {
            var t = new RigidTransform(Quatf.AngleAxis((float)Math.PI, Up), new Vec3f(0f, 0f, 5f));
            Assertions.Near(new Vec3f(-1f, 0f, 5f), t.ApplyToPoint(new Vec3f(1f, 0f, 0f)));
        }
    }
}
