using NUnit.Framework;

namespace TalkingTogether.Bridge.Tests
{
    [TestFixture]
    public class JitterBufferTests
    {
        const double Dt = 0.04; // 25 fps

        static PlayoutDelay FixedDelay(double seconds)
        {
            return new PlayoutDelay { Initial = seconds, Min = seconds, Max = seconds, Adaptive = false };
        }

        static JitterBuffer Buffer(PlayoutDelay delay)
        {
            return new JitterBuffer(25, delay);
        }

        [Test]
        public void NothingToSampleBeforeTheFirstFrame()
        {
            Assert.IsFalse(Buffer(FixedDelay(0.1)).Sample(0.0, new AnimationFrame()));
        }

        [Test]
        public void InterpolatesBetweenFramesAtTheDisplayRate()
        {
            var buffer = Buffer(FixedDelay(0.1));
            for (var i = 0; i < 10; i++)
                buffer.Push(Assertions.Frame(i, i * 0.1f), 1.0 + i * Dt);
            var output = new AnimationFrame();
            // Frame 2 arrived at 1.08 and plays 0.1 s later; a quarter frame after that is 2.25.
            Assert.IsTrue(buffer.Sample(1.18 + 0.01, output));
            var p = output.Participants[1];
            Assert.AreEqual(0.225f, p.Translation.x, 1e-4);
            Assert.AreEqual(0.225f, p.Expression[17], 1e-4);
            Assert.AreEqual(0.225f, p.Speaking, 1e-4);
            Assertions.SameRotation(Quatf.AngleAxis(0.225f, new Vec3f(0f, 1f, 0f)), p.Head, 1e-4f);
        }

        [Test]
        public void ClockOffsetFollowsTheLeastDelayedArrival()
        {
            var buffer = Buffer(FixedDelay(0.1));
            buffer.Push(Assertions.Frame(0, 0f), 1.0 + 0.05); // 50 ms network delay
            buffer.Push(Assertions.Frame(1, 1f), 1.0 + Dt);   // no delay: the true offset
            buffer.Push(Assertions.Frame(2, 2f), 1.0 + 2 * Dt + 0.03);
            var output = new AnimationFrame();
            buffer.Sample(1.0 + 0.1 + Dt, output);
            Assert.AreEqual(1f, output.Participants[0].Translation.x, 1e-4);
        }

        [Test]
        public void LostFramesAreInterpolatedAcross()
        {
            var buffer = Buffer(FixedDelay(0.1));
            buffer.Push(Assertions.Frame(0, 0f), 0.0);
            buffer.Push(Assertions.Frame(3, 3f), 3 * Dt);
            var output = new AnimationFrame();
            buffer.Sample(0.1 + 1.5 * Dt, output);
            Assert.AreEqual(1.5f, output.Participants[0].Translation.x, 1e-4);
            Assert.AreEqual(2, buffer.Stats.Lost);
        }

        [Test]
        public void LongGapsJumpInsteadOfSliding()
        {
            var buffer = Buffer(FixedDelay(0.1));
            buffer.Push(Assertions.Frame(0, 0f), 0.0);
            buffer.Push(Assertions.Frame(50, 5f), 50 * Dt);
            var output = new AnimationFrame();
            buffer.Sample(0.1 + 25 * Dt, output);
            Assert.AreEqual(0f, output.Participants[0].Translation.x);
        }

        [Test]
        public void ReorderedFrameInTimeIsNotLost()
        {
            var buffer = Buffer(FixedDelay(0.2));
            buffer.Push(Assertions.Frame(0, 0f), 0.0);
            buffer.Push(Assertions.Frame(2, 2f), 2 * Dt);
            buffer.Push(Assertions.Frame(1, 1f), 2 * Dt + 0.001);
            Assert.AreEqual(0, buffer.Stats.Lost);
            Assert.AreEqual(3, buffer.Count);
            var output = new AnimationFrame();
            buffer.Sample(0.2 + Dt, output);
            Assert.AreEqual(1f, output.Participants[0].Translation.x, 1e-4);
        }

        [Test]
        public void LateAndDuplicateFramesAreDropped()
        {
            var buffer = Buffer(FixedDelay(0.04));
            buffer.Push(Assertions.Frame(0, 0f), 0.0);
            buffer.Push(Assertions.Frame(2, 2f), 2 * Dt);
            buffer.Push(Assertions.Frame(3, 3f), 3 * Dt);
            var output = new AnimationFrame();
            buffer.Sample(0.04 + 2.5 * Dt, output); // playing between 2 and 3
            Assert.IsFalse(buffer.Push(Assertions.Frame(1, 1f), 4 * Dt), "frame 1 is late");
            Assert.IsFalse(buffer.Push(Assertions.Frame(3, 3f), 4 * Dt), "frame 3 is a duplicate");
            Assert.AreEqual(1, buffer.Stats.Late);
            Assert.AreEqual(1, buffer.Stats.Duplicates);
            Assert.AreEqual(1, buffer.Stats.Lost);
            Assert.AreEqual(3, buffer.Stats.Received);
        }

        [Test]
        public void UnderrunHoldsTheLastFrameAndStopsTheClock()
        {
            var delay = new PlayoutDelay { Initial = 0.08, Min = 0.04, Max = 0.2, Margin = 0.0 };
            var buffer = Buffer(delay);
            buffer.Push(Assertions.Frame(0, 0f), 0.0);
            buffer.Push(Assertions.Frame(1, 1f), Dt);
            var output = new AnimationFrame();
            buffer.Sample(1.0, output);
            buffer.Sample(1.02, output); // still dry: one underrun, not two
            Assert.AreEqual(1f, output.Participants[0].Translation.x);
            Assert.AreEqual(1, buffer.Stats.Underruns);
            Assert.IsTrue(buffer.IsDry);
            // The clock stood on frame 1 while dry, so the delay grew by the time it was dry.
            Assert.AreEqual(1.02 - Dt, buffer.CurrentDelay, 1e-9);
        }

        [Test]
        public void PlaybackResumesWhereItStoppedWithoutAJump()
        {
            var buffer = Buffer(new PlayoutDelay { Initial = 0.08, Min = 0.04, Max = 0.5, Margin = 0.0 });
            var output = new AnimationFrame();
            buffer.Push(Assertions.Frame(0, 0f), 0.0);
            buffer.Push(Assertions.Frame(1, 1f), Dt);
            buffer.Sample(0.5, output); // dry on frame 1
            buffer.Push(Assertions.Frame(2, 2f), 0.5);
            buffer.Sample(0.5 + 1.0 / 72, output);
            var x = output.Participants[0].Translation.x;
            // One display frame later it is one display frame (at most 5% faster or slower) past frame 1.
            Assert.AreEqual(1f + (1.0 / 72) / Dt, x, 0.05 * (1.0 / 72) / Dt + 1e-4);
            Assert.IsFalse(buffer.IsDry);
        }

        [Test]
        public void DelaySlewsAtMostFivePercentOfElapsedTime()
        {
            // Starts at 0.3 s; once a second of steady arrivals is measured the target drops to one
            // interval, and the playout clock runs 5% fast until it gets there: no step.
            var delay = new PlayoutDelay { Initial = 0.3, Min = 0.04, Max = 0.5, Margin = 0.0, ShrinkAfter = 1.0 };
            var buffer = Buffer(delay);
            var output = new AnimationFrame();
            var step = 1.0 / 72;
            var next = 0;
            var previous = double.NaN;
            for (var tick = 0; tick < 72 * 10; tick++)
            {
                var now = tick * step;
                for (; next * Dt <= now; next++)
                    buffer.Push(Assertions.Frame(next, next), next * Dt);
                buffer.Sample(now, output);
                var d = buffer.CurrentDelay;
                if (!double.IsNaN(previous))
                {
                    Assert.LessOrEqual(previous - d, 0.05 * step + 1e-9, "a step down at " + now);
                    Assert.LessOrEqual(d - previous, 1e-9, "up at " + now);
                }
                previous = d;
            }
            Assert.AreEqual(0.04, buffer.TargetDelay, 1e-9);
            Assert.AreEqual(0.04, buffer.CurrentDelay, 1e-6, "0.26 s at 5% takes 5.2 s");
            Assert.AreEqual(0, buffer.Stats.Underruns);
        }

        [Test]
        public void DelayShrinksOnlyWithMeasuredHeadroom()
        {
            var delay = new PlayoutDelay { Initial = 0.04, Min = 0.04, Max = 0.5, Margin = 0.02, ShrinkAfter = 2.0 };
            var buffer = Buffer(delay);
            var output = new AnimationFrame();
            var i = 0;
            // Frames late by up to 30 ms: the target is interval + spread + margin = 0.09 s.
            for (; i < 100; i++)
            {
                buffer.Push(Assertions.Frame(i, 0f), i * Dt + (i % 5 == 0 ? 0.03 : 0.0));
                buffer.Sample(i * Dt + 0.02, output);
            }
            Assert.AreEqual(0.09, buffer.TargetDelay, 1e-6);
            // A slightly smaller jitter (25 ms) is within one margin: nothing moves.
            for (; i < 200; i++)
            {
                buffer.Push(Assertions.Frame(i, 0f), i * Dt + (i % 5 == 0 ? 0.025 : 0.0));
                buffer.Sample(i * Dt + 0.02, output);
            }
            Assert.AreEqual(0.09, buffer.TargetDelay, 1e-6, "no headroom beyond a margin, no shrink");
            // No jitter at all for longer than the window: it shrinks, to interval + margin.
            for (; i < 400; i++)
            {
                buffer.Push(Assertions.Frame(i, 0f), i * Dt);
                buffer.Sample(i * Dt + 0.02, output);
            }
            Assert.AreEqual(0.06, buffer.TargetDelay, 1e-6);
            Assert.AreEqual(0.06, buffer.CurrentDelay, 1e-3, "slewed down to it");
            Assert.AreEqual(0, buffer.Stats.Underruns);
        }

        [Test]
        public void MinIsNeverBelowOneIntervalPlusTheMeasuredJitter()
        {
            var delay = new PlayoutDelay { Initial = 0.0, Min = 0.0, Max = 0.5, Margin = 0.0 };
            var buffer = Buffer(delay);
            var output = new AnimationFrame();
            for (var i = 0; i < 50; i++)
            {
                buffer.Push(Assertions.Frame(i, 0f), i * Dt + (i % 4 == 0 ? 0.015 : 0.0));
                buffer.Sample(i * Dt + 0.02, output);
            }
            Assert.AreEqual(Dt + 0.015, buffer.TargetDelay, 1e-9);
            Assert.AreEqual(0.015, buffer.MeasuredJitter, 1e-9);
        }

        [Test]
        public void FarBehindTheTargetItSkipsAheadInsteadOfSlewingForSeconds()
        {
            foreach (var delay in new[] { FixedDelay(0.1), new PlayoutDelay { Initial = 0.1, Min = 0.1, Max = 0.3 } })
            {
                var buffer = Buffer(delay);
                var output = new AnimationFrame();
                buffer.Push(Assertions.Frame(0, 0f), 0.0);
                buffer.Sample(0.0, output);
                buffer.Sample(1.0, output); // a second without frames: dry, the clock stands on frame 0
                Assert.Greater(buffer.CurrentDelay, 0.9);
                for (var i = 1; i <= 25; i++)
                    buffer.Push(Assertions.Frame(i, i), 1.0 + 0.001 * i); // the backlog arrives at once
                buffer.Sample(1.05, output);
                Assert.AreEqual(delay.Adaptive ? delay.Max : 0.1, buffer.CurrentDelay, 1e-6, "adaptive: " + delay.Adaptive);
                Assert.Greater(output.Participants[0].Translation.x, 15f, "it skipped ahead");
            }
        }

        [Test]
        public void ResetStartsANewStream()
        {
            var buffer = Buffer(FixedDelay(0.1));
            buffer.Push(Assertions.Frame(100, 1f), 0.0);
            buffer.Reset();
            Assert.AreEqual(0, buffer.Count);
            Assert.IsTrue(buffer.Push(Assertions.Frame(0, 0f), 10.0));
            Assert.AreEqual(1, buffer.Stats.Received);
        }

        [Test]
        public void OverflowDropsTheOldest()
        {
            var buffer = new JitterBuffer(25, FixedDelay(0.1), capacity: 4);
            for (var i = 0; i < 6; i++)
                buffer.Push(Assertions.Frame(i, i), 0.0);
            Assert.AreEqual(4, buffer.Count);
            Assert.AreEqual(2, buffer.Stats.Overflows);
        }

        [Test]
        public void InvalidDelayIsRejected()
        {
            Assert.Throws<System.ArgumentException>(() => Buffer(new PlayoutDelay { Initial = 1.0, Max = 0.5 }));
        }
    }
}
