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

        /// <summary>Lag (ms) and amplitude (fraction) of a filtered 4 Hz jaw, 0 to 1, sampled at 72 Hz:
        /// from the 4 Hz component of input and output over 15 s after 5 s of settling.</summary>
        public static void JawResponse(OneEuroSettings settings, out double lagMs, out double amplitude)
        {
            const double Hz = 4.0;
            var f = new OneEuroFilter();
            double reIn = 0, imIn = 0, reOut = 0, imOut = 0;
            for (var i = 0; i < 72 * 20; i++)
            {
                var t = i * (double)Dt;
                var x = (float)(0.5 + 0.5 * System.Math.Sin(2 * System.Math.PI * Hz * t));
                var y = f.Filter(x, Dt, settings);
                if (t < 5.0)
                    continue;
                var c = System.Math.Cos(2 * System.Math.PI * Hz * t);
                var s = System.Math.Sin(2 * System.Math.PI * Hz * t);
                reIn += (x - 0.5) * c; imIn += (x - 0.5) * s;
                reOut += (y - 0.5) * c; imOut += (y - 0.5) * s;
            }
            amplitude = System.Math.Sqrt(reOut * reOut + imOut * imOut) / System.Math.Sqrt(reIn * reIn + imIn * imIn);
            var phase = System.Math.Atan2(reIn, imIn) - System.Math.Atan2(reOut, imOut);
            while (phase < -System.Math.PI) phase += 2 * System.Math.PI;
            while (phase > System.Math.PI) phase -= 2 * System.Math.PI;
            lagMs = 1000.0 * phase / (2 * System.Math.PI * Hz);
        }

        /// <summary>The figures the avatar's tooltip and the README quote.</summary>
        [Test]
        public void DefaultExpressionSmoothingKeepsA4HzJaw()
        {
            double lag, amplitude;
            JawResponse(PoseSmoother.DefaultExpression, out lag, out amplitude);
            System.Console.WriteLine("default: lag {0:F1} ms, amplitude {1:P1}", lag, amplitude);
            Assert.AreEqual(8.5, lag, 1.0);
            Assert.AreEqual(1.0, amplitude, 0.02);
            // The former default (3 Hz, beta 1, derivative 1 Hz): the lag and loss the review measured.
            JawResponse(new OneEuroSettings(3f, 1f, 1f), out lag, out amplitude);
            System.Console.WriteLine("former: lag {0:F1} ms, amplitude {1:P1}", lag, amplitude);
            Assert.AreEqual(22.0, lag, 2.0);
            Assert.AreEqual(0.83, amplitude, 0.03);
        }

        [Test]
        public void DefaultExpressionSmoothingStillQuietsAFaceAtRest()
        {
            var f = new OneEuroFilter();
            var rng = new System.Random(1);
            double sum = 0;
            var n = 0;
            for (var i = 0; i < 72 * 20; i++)
            {
                var u = 1.0 - rng.NextDouble();
                var noise = 0.02 * System.Math.Sqrt(-2 * System.Math.Log(u)) * System.Math.Cos(2 * System.Math.PI * rng.NextDouble());
                var y = f.Filter((float)(0.3 + noise), Dt, PoseSmoother.DefaultExpression);
                if (i < 72 * 2)
                    continue;
                sum += (y - 0.3) * (y - 0.3);
                n++;
            }
            var kept = System.Math.Sqrt(sum / n) / 0.02;
            Assert.Less(kept, 0.5, "less than half the noise of a still face gets through");
        }
    }
}
