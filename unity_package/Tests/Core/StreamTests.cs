using NUnit.Framework;

namespace TalkingTogether.Bridge.Tests
{
    /// <summary>The feed the avatars read (<see cref="PoseFeed"/>) and the receiver that fills it
    /// (<see cref="StreamReceiver"/>): rest on stop, statistics.</summary>
    [TestFixture]
    public class StreamTests
    {
        const double Dt = 0.04;

        static StreamHeader Header(long epochOffsetNs = 0)
        {
            return new StreamHeader
            {
                Fps = 25,
                EpochOffsetNs = epochOffsetNs,
                Anchors = new[] { new Anchor(new Vec3f(0f, 1.05f, 0.6f), 0f), new Anchor(new Vec3f(0f, 1.05f, -0.6f), 3.14159f) },
            };
        }

        [Test]
        public void TheSummaryShowsTheFiguresAndLeavesOutAnUnknownLatency()
        {
            var stats = new StreamStatistics
            {
                ReceivedFps = 24.96, PlayoutDelay = 0.2164, Jitter = 0.0131, Received = 451, Lost = 2, Late = 1, Underruns = 0,
                EndToEndLatency = double.NaN,
            };
            var text = new System.Text.StringBuilder();
            stats.AppendSummary(text);
            Assert.AreEqual("25.0 fps  delay 216 ms  jitter 13 ms\nframes 451  lost 2  late 1  underruns 0", text.ToString());
            stats.EndToEndLatency = 0.0874;
            text.Length = 0;
            stats.AppendSummary(text);
            StringAssert.EndsWith("\ncapture to display 87 ms", text.ToString());
        }

        [Test]
        public void StoppingPutsThePoseTheAvatarsReadBackToRest()
        {
            var receiver = new StreamReceiver(new PlayoutDelay { Initial = 0.04, Min = 0.04 });
            receiver.BeginStream(Header(), 0.0);
            for (var i = 0; i < 10; i++)
            {
                var f = Assertions.Frame(i, 0.5f);
                f.Participants[0].LeftEye = Quatf.AngleAxis(0.3f, new Vec3f(1f, 0f, 0f));
                receiver.Push(f, i * Dt);
            }
            receiver.Update(0.3);
            ParticipantPose pose;
            Assert.IsTrue(receiver.Feed.TryGetPose(0, out pose));
            Assert.AreEqual(0.5f, pose.Expression[17], 1e-5, "mid-word: the jaw is open");

            receiver.Clear(); // what the client's OnDisable does, through the supervisor's Stop

            Assert.IsFalse(receiver.Feed.TryGetPose(0, out pose));
            for (var p = 0; p < 2; p++)
            {
                receiver.Feed.TryGetPose(p, out pose);
                Assert.IsTrue(pose.IsRest, "participant " + p + " at rest");
                Anchor seat;
                Assert.IsTrue(receiver.Feed.TryGetAnchor(p, out seat), "the seats are kept");
                Assertions.Near(seat.Position, pose.HeadWorldPosition);
            }
            // A later Update with nothing streaming publishes nothing stale.
            receiver.Update(1.0);
            Assert.IsFalse(receiver.Feed.HasPose);
        }

        [Test]
        public void RestPoseIsNeutral()
        {
            var pose = new ParticipantPose();
            pose.Expression[3] = 1f;
            pose.Neck = Quatf.AngleAxis(1f, new Vec3f(0f, 1f, 0f));
            pose.Translation = new Vec3f(0.1f, 0f, 0f);
            Assert.IsFalse(pose.IsRest);
            pose.SetRest(new Anchor(new Vec3f(1f, 1f, 1f), 1.5f));
            Assert.IsTrue(pose.IsRest);
            Assertions.SameRotation(new Anchor(Vec3f.Zero, 1.5f).Rotation, pose.HeadWorldRotation);
        }

        [Test]
        public void HeaderSetsTheSeatsOnTheNextUpdate()
        {
            var receiver = new StreamReceiver();
            Anchor seat;
            Assert.IsFalse(receiver.Feed.TryGetAnchor(0, out seat));
            var header = Header();
            receiver.BeginStream(header, 0.0);
            Assert.AreSame(header, receiver.Update(0.0), "returned once, for the client's HeaderReceived");
            Assert.IsNull(receiver.Update(0.01));
            Assert.IsTrue(receiver.Feed.TryGetAnchor(1, out seat));
            Assert.AreEqual(-0.6f, seat.Position.z);
        }

        [Test]
        public void StatisticsCountRateDelayAndLatency()
        {
            const long Epoch = 1700000000L * 1000000000L; // the server's wall clock minus its monotonic clock
            long unixNow = 0;
            long localNow = 0;
            var receiver = new StreamReceiver(new PlayoutDelay(), () => unixNow, () => localNow);
            receiver.BeginStream(Header(Epoch), 0.0);
            for (var i = 0; i < 75; i++) // 3 s at 25 fps, each frame 30 ms from capture to arrival
            {
                var f = Assertions.Frame(i, 0f);
                f.CaptureTimeNs = 5000000000L + i * 40000000L;
                f.ClientCaptureTimeNs = 9000000000L + i * 40000000L;
                unixNow = Epoch + f.CaptureTimeNs + 30000000L;
                receiver.Push(f, i * Dt);
            }
            unixNow = Epoch + 5000000000L + 74 * 40000000L + 30000000L + 5000000L;
            localNow = 9000000000L + 74 * 40000000L + 155000000L;
            receiver.Update(74 * Dt + 0.005);
            var s = receiver.Statistics;
            Assert.AreEqual(25.0, s.ReceivedFps, 0.6);
            Assert.AreEqual(75, s.Received);
            Assert.AreEqual(0.030, s.ArrivalLatency, 1e-6);
            Assert.AreEqual(0.005, s.SecondsSinceLastFrame, 1e-6);
            // The pose shown is the playout delay behind the earliest possible arrival (here every
            // frame's): capture to arrival, then the delay.
            Assert.AreEqual(0.030 + s.PlayoutDelay, s.EndToEndLatency, 1e-3);
            // On the client's clock: 155 ms after the newest frame's capture, minus the 5 ms since
            // it arrived, plus the delay.
            Assert.AreEqual(0.150 + s.PlayoutDelay, s.ClientLatency, 1e-3);
            Assert.AreEqual(0, s.Late);
            receiver.Clear();
            Assert.IsTrue(double.IsNaN(receiver.Statistics.EndToEndLatency));
        }
    }
}
