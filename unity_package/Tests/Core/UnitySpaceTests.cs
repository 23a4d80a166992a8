using System;
using NUnit.Framework;

namespace TalkingTogether.Bridge.Tests
{
    [TestFixture]
    public class UnitySpaceTests
    {
        [Test]
        public void PositionMirrorsZ()
        {
            Assert.AreEqual(new Vec3f(1f, 2f, -3f), UnitySpace.ToUnity(new Vec3f(1f, 2f, 3f)));
        }

        [Test]
        public void QuaternionNegatesXAndY()
        {
            Assert.AreEqual(new Quatf(-0.1f, -0.2f, 0.3f, 0.9f), UnitySpace.ToUnity(new Quatf(0.1f, 0.2f, 0.3f, 0.9f)));
        }

        [Test]
        public void RoomForwardBecomesUnityForward()
        {
            // R looks down -Z; Unity looks down +Z.
            Assert.AreEqual(new Vec3f(0f, 0f, 1f), UnitySpace.ToUnity(new Vec3f(0f, 0f, -1f)));
        }

        [Test]
        public void YawLeftInTheRoomIsYawLeftInUnity()
        {
            // +90 degrees about +Y in R (counter-clockwise from above) turns the face from -Z
            // to -X; the same person in Unity must also face -X.
            var roomYaw = Quatf.AngleAxis((float)(Math.PI / 2), new Vec3f(0f, 1f, 0f));
            var unityForward = UnitySpace.ToUnity(roomYaw) * new Vec3f(0f, 0f, 1f);
            Assertions.Near(new Vec3f(-1f, 0f, 0f), unityForward);
        }

        [Test]
        public void ConversionCommutesWithRotatingAVector([Values(1, 2, 3, 4, 5)] int seed)
        {
            var rng = new Random(seed);
            Func<float> r = () => (float)(rng.NextDouble() * 2 - 1);
            var q = new Quatf(r(), r(), r(), r()).Normalized;
            var v = new Vec3f(r(), r(), r());
            Assertions.Near(UnitySpace.ToUnity(q * v), UnitySpace.ToUnity(q) * UnitySpace.ToUnity(v));
        }

        [Test]
        public void AnchorBecomesAUnityPose()
        {
            var anchor = new Anchor(new Vec3f(0.6f, 1.2f, -0.4f), (float)(Math.PI / 2));
            var pose = UnitySpace.ToUnity(anchor);
            Assertions.Near(new Vec3f(0.6f, 1.2f, 0.4f), pose.Translation);
            Assertions.Near(new Vec3f(-1f, 0f, 0f), pose.Rotation * new Vec3f(0f, 0f, 1f));
        }

        [Test]
        public void ParticipantConversionKeepsWeightsAndConvertsEveryJoint()
        {
            var room = new ParticipantPose
            {
                Translation = new Vec3f(0.01f, 0.02f, 0.03f),
                Neck = new Quatf(0.1f, 0.2f, 0.3f, 0.927f),
                HeadWorldPosition = new Vec3f(1f, 1.5f, -2f),
                Speaking = 0.75f,
            };
            room.Expression[5] = 0.5f;
            var unity = new ParticipantPose();
            UnitySpace.ToUnity(room, unity);
            Assert.AreEqual(new Vec3f(0.01f, 0.02f, -0.03f), unity.Translation);
            Assert.AreEqual(new Quatf(-0.1f, -0.2f, 0.3f, 0.927f), unity.Neck);
            Assert.AreEqual(new Vec3f(1f, 1.5f, 2f), unity.HeadWorldPosition);
            Assert.AreEqual(Quatf.Identity, unity.Head);
            Assert.AreEqual(0.5f, unity.Expression[5]);
            Assert.AreEqual(0.75f, unity.Speaking);
        }

        [Test]
        public void JointChainComposesParentFirst()
        {
            var pose = new ParticipantPose
            {
                Neck = Quatf.AngleAxis(0.3f, new Vec3f(0f, 1f, 0f)),
                Head = Quatf.AngleAxis(0.2f, new Vec3f(0f, 1f, 0f)),
                LeftEye = Quatf.AngleAxis(0.1f, new Vec3f(1f, 0f, 0f)),
            };
            var chain = JointChain.Compose(pose);
            Assertions.SameRotation(Quatf.AngleAxis(0.5f, new Vec3f(0f, 1f, 0f)), chain.Head);
            Assertions.SameRotation(chain.Head * pose.LeftEye, chain.LeftEye);
            Assertions.SameRotation(chain.Head, chain.RightEye);
        }
    }
}
