using NUnit.Framework;

namespace TalkingTogether.Bridge.Tests
{
    [TestFixture]
    public class SmoothingTests
    {
        const float Dt = 1f / 72f;

        [Test]
        public void FirstSampleAndConstantsPassThrough()
        {
            var f = new OneEuroFilter();
            var s = new OneEuroSettings(1f, 0f);
            Assert.AreEqual(0.3f, f.Filter(0.3f, Dt, s));
            for (var i = 0; i < 10; i++)
                Assert.AreEqual(0.3f, f.Filter(0.3f, Dt, s), 1e-6);
        }

        [Test]
        public void StepIsSmoothedThenConverges()
        {
            var f = new OneEuroFilter();
            var s = new OneEuroSettings(1f, 0f);
            f.Filter(0f, Dt, s);
            var first = f.Filter(1f, Dt, s);
            Assert.That(first > 0f && first < 0.2f, "first step " + first);
            var v = first;
            for (var i = 0; i < 720; i++)
                v = f.Filter(1f, Dt, s);
            Assert.AreEqual(1f, v, 1e-3);
        }

        [Test]
        public void BetaTracksFastMotionCloser()
        {
            var slow = new OneEuroFilter();
            var fast = new OneEuroFilter();
            float a = 0f, b = 0f;
            for (var i = 0; i < 20; i++)
            {
                a = slow.Filter(i * 0.1f, Dt, new OneEuroSettings(1f, 0f));
                b = fast.Filter(i * 0.1f, Dt, new OneEuroSettings(1f, 5f));
            }
            Assert.Greater(b, a);
        }

        [Test]
        public void ZeroDtHoldsTheValue()
        {
            var f = new OneEuroFilter();
            var s = new OneEuroSettings(1f, 0f);
            f.Filter(0.5f, Dt, s);
            Assert.AreEqual(0.5f, f.Filter(1f, 0f, s));
        }

        [Test]
        public void PoseSmootherKeepsRotationsUnitAndConverges()
        {
            var smoother = new PoseSmoother();
            var pose = new ParticipantPose();
            smoother.Filter(pose, Dt);
            var target = Quatf.AngleAxis(1.2f, new Vec3f(0f, 1f, 0f));
            for (var i = 0; i < 720; i++)
            {
                pose.Head = target;
                pose.Expression[17] = 1f;
                pose.HeadWorldPosition = new Vec3f(0f, 1f, 0f);
                smoother.Filter(pose, Dt);
                Assert.AreEqual(1.0, Quatf.Dot(pose.Head, pose.Head), 1e-4);
            }
            Assertions.SameRotation(target, pose.Head, 1e-4f);
            Assert.AreEqual(1f, pose.Expression[17], 1e-3);
            Assert.AreEqual(1f, pose.HeadWorldPosition.y, 1e-3);
        }

        [Test]
        public void PoseSmootherLagsBehindAJump()
        {
            var smoother = new PoseSmoother();
            var pose = new ParticipantPose();
            smoother.Filter(pose, Dt);
            pose.Head = Quatf.AngleAxis(1.2f, new Vec3f(0f, 1f, 0f));
            smoother.Filter(pose, Dt);
            var angle = Quatf.Angle(Quatf.Identity, pose.Head);
            Assert.That(angle > 0f && angle < 1.2f, "angle " + angle);
        }
    }
}
