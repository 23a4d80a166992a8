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
        public void UnderrunHoldsTheLastFrameAndGrowsTheDelay()
        {
            var delay = new PlayoutDelay { Initial = 0.08, Min = 0.04, Max = 0.2, Step = 0.04, ShrinkAfter = 5.0 };
            var buffer = Buffer(delay);
            buffer.Push(Assertions.Frame(0, 0f), 0.0);
            buffer.Push(Assertions.Frame(1, 1f), Dt);
            var output = new AnimationFrame();
            buffer.Sample(1.0, output);
            buffer.Sample(1.02, output); // still dry: one underrun, not two
            Assert.AreEqual(1f, output.Participants[0].Translation.x);
            Assert.AreEqual(1, buffer.Stats.Underruns);
            Assert.AreEqual(0.12, buffer.CurrentDelay, 1e-9);
        }

        [Test]
        public void DelayShrinksAfterAQuietPeriodButNotBelowMin()
        {
            var delay = new PlayoutDelay { Initial = 0.08, Min = 0.04, Max = 0.2, Step = 0.04, ShrinkAfter = 1.0 };
            var buffer = Buffer(delay);
            var output = new AnimationFrame();
            for (var i = 0; i < 200; i++)
            {
                buffer.Push(Assertions.Frame(i, 0f), i * Dt);
                buffer.Sample(i * Dt, output);
            }
            Assert.AreEqual(0.04, buffer.CurrentDelay, 1e-9);
            Assert.AreEqual(0, buffer.Stats.Underruns);
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
