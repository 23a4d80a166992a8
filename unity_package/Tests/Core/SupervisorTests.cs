using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace TalkingTogether.Bridge.Tests
{
    /// <summary>
    /// <see cref="ConnectionSupervisor"/> against scripted frame sources, in real time with short
    /// timeouts: the watchdog, the connect timeout, backoff, pause and resume, and the lifetime
    /// rules (no disposal under a running task, nothing from an old session or an abandoned
    /// attempt reaches the new one). The same supervisor against a real server on loopback that is
    /// frozen, killed and restarted is tests/test_unity_watchdog.py.
    /// </summary>
    [TestFixture]
    public class SupervisorTests
    {
        static SupervisorSettings Fast()
        {
            return new SupervisorSettings
            {
                ConnectTimeout = 0.3, StallTimeout = 0.3, BackoffInitial = 0.05, BackoffMax = 0.2,
                AbandonAfter = 0.2, PollInterval = 0.01,
            };
        }

        delegate Task Script(IFrameSink sink, CancellationToken token, int attempt);

        sealed class ScriptedSource : IFrameSource
        {
            readonly Script m_Script;
            int m_Attempts;

            public ScriptedSource(Script script) { m_Script = script; }

            public int Attempts { get { return Volatile.Read(ref m_Attempts); } }

            public Task RunAsync(IFrameSink sink, CancellationToken token)
            {
                var attempt = Interlocked.Increment(ref m_Attempts);
                return Task.Run(() => m_Script(sink, token, attempt));
            }
        }

        /// <summary>What the supervisor said, with when.</summary>
        sealed class Log
        {
            readonly Stopwatch m_Clock = Stopwatch.StartNew();
            readonly List<KeyValuePair<double, ConnectionState>> m_Entries = new List<KeyValuePair<double, ConnectionState>>();
            readonly List<string> m_Reasons = new List<string>();

            public Log(ConnectionSupervisor supervisor)
            {
                supervisor.StateChanged += (state, reason) =>
                {
                    lock (m_Entries)
                    {
                        m_Entries.Add(new KeyValuePair<double, ConnectionState>(m_Clock.Elapsed.TotalSeconds, state));
                        m_Reasons.Add(reason);
                    }
                };
            }

            public double Now { get { return m_Clock.Elapsed.TotalSeconds; } }

            public List<ConnectionState> States
            {
                get
                {
                    lock (m_Entries)
                        return m_Entries.ConvertAll(e => e.Value);
                }
            }

            public string Reasons { get { lock (m_Entries) return string.Join(" | ", m_Reasons.ToArray()); } }

            /// <summary>When <paramref name="state"/> was first reported at or after <paramref name="after"/>.</summary>
            public double When(ConnectionState state, double after = 0)
            {
                lock (m_Entries)
                    foreach (var e in m_Entries)
                        if (e.Value == state && e.Key >= after)
                            return e.Key;
                return double.NaN;
            }

            public override string ToString() { return string.Join(", ", States.ConvertAll(s => s.ToString()).ToArray()) + " [" + Reasons + "]"; }
        }

        static void WaitFor(Func<bool> condition, double seconds, string what)
        {
            var deadline = Stopwatch.StartNew();
            while (!condition())
            {
                if (deadline.Elapsed.TotalSeconds > seconds)
                    Assert.Fail("timed out waiting for " + what);
                Thread.Sleep(5);
            }
        }

        static async Task Stream(IFrameSink sink, CancellationToken token, int frames, double interval = 0.02, float value = 0f)
        {
            sink.OnHeader(new StreamHeader { Fps = 25 });
            var frame = new AnimationFrame();
            for (var i = 0; i < frames && !token.IsCancellationRequested; i++)
            {
                frame.Sequence = i;
                frame.Participants[0].Speaking = value;
                sink.OnFrame(frame);
                await Task.Delay(TimeSpan.FromSeconds(interval)).ConfigureAwait(false);
            }
        }

        static Task Hang(CancellationToken token)
        {
            return Task.Delay(Timeout.Infinite, token);
        }

        [Test]
        public void WatchdogDropsAStreamWithoutFramesAndReconnects()
        {
            double lastFrame = 0;
            var log = default(Log);
            var source = new ScriptedSource(async (sink, token, attempt) =>
            {
                if (attempt == 1)
                {
                    await Stream(sink, token, 10).ConfigureAwait(false);
                    lastFrame = log.Now;
                    await Hang(token).ConfigureAwait(false); // the connection stays open, nothing comes
                }
                await Stream(sink, token, 1000).ConfigureAwait(false);
            });
            var receiver = new StreamReceiver();
            var supervisor = new ConnectionSupervisor(receiver, Fast());
            log = new Log(supervisor);
            supervisor.Start(source);
            try
            {
                WaitFor(() => source.Attempts >= 2 && supervisor.State == ConnectionState.Streaming, 3.0, "the second stream");
                var stalled = log.When(ConnectionState.Stalled);
                Assert.IsFalse(double.IsNaN(stalled), log.ToString());
                Assert.AreEqual(0.3, stalled - lastFrame, 0.15, "the watchdog fires one stall timeout after the last frame");
                var expected = new[] { ConnectionState.Connecting, ConnectionState.Streaming, ConnectionState.Stalled,
                                       ConnectionState.Reconnecting, ConnectionState.Connecting, ConnectionState.Streaming };
                CollectionAssert.AreEqual(expected, log.States.GetRange(0, expected.Length), log.ToString());
                StringAssert.Contains("stalled", log.Reasons);
                Assert.AreEqual(1, supervisor.Reconnects);
            }
            finally
            {
                supervisor.Stop();
            }
        }

        [Test]
        public void AttemptWithoutAHeaderTimesOut()
        {
            var source = new ScriptedSource((sink, token, attempt) => attempt == 1 ? Hang(token) : Stream(sink, token, 1000));
            var supervisor = new ConnectionSupervisor(new StreamReceiver(), Fast());
            var log = new Log(supervisor);
            var started = log.Now;
            supervisor.Start(source);
            try
            {
                WaitFor(() => supervisor.State == ConnectionState.Streaming, 3.0, "streaming");
                var reconnecting = log.When(ConnectionState.Reconnecting);
                Assert.AreEqual(0.3, reconnecting - started, 0.15, log.ToString());
                StringAssert.Contains("connect timeout", log.Reasons);
            }
            finally
            {
                supervisor.Stop();
            }
        }

        [Test]
        public void FailedAttemptsBackOffExponentially()
        {
            var starts = new List<double>();
            var clock = Stopwatch.StartNew();
            var source = new ScriptedSource((sink, token, attempt) =>
            {
                lock (starts)
                    starts.Add(clock.Elapsed.TotalSeconds);
                throw new InvalidOperationException("connection refused");
            });
            var supervisor = new ConnectionSupervisor(new StreamReceiver(), Fast());
            supervisor.Start(source);
            try
            {
                WaitFor(() => source.Attempts >= 5, 3.0, "five attempts");
            }
            finally
            {
                supervisor.Stop();
            }
            lock (starts)
            {
                // 0.05, 0.1, 0.2, then capped at 0.2.
                Assert.AreEqual(0.05, starts[1] - starts[0], 0.04);
                Assert.AreEqual(0.10, starts[2] - starts[1], 0.05);
                Assert.AreEqual(0.20, starts[3] - starts[2], 0.08);
                Assert.AreEqual(0.20, starts[4] - starts[3], 0.08);
            }
        }

        [Test]
        public void PauseStopsAndClearsResumeStartsAFreshSession()
        {
            var source = new ScriptedSource((sink, token, attempt) => Stream(sink, token, 100000, 0.02, 0.5f));
            var receiver = new StreamReceiver();
            var supervisor = new ConnectionSupervisor(receiver, Fast());
            supervisor.Start(source);
            try
            {
                WaitFor(() => supervisor.State == ConnectionState.Streaming, 2.0, "streaming");
                Thread.Sleep(200);
                receiver.Update(MonotonicClock.NowSeconds);
                Assert.IsTrue(receiver.Feed.HasPose);
                var generation = supervisor.Generation;

                supervisor.Pause();
                Assert.AreEqual(ConnectionState.Paused, supervisor.State);
                receiver.Update(MonotonicClock.NowSeconds);
                Assert.IsFalse(receiver.Feed.HasPose, "paused: back to rest");
                Thread.Sleep(100);
                Assert.AreEqual(ConnectionState.Paused, supervisor.State, "the old session's task says nothing more");

                supervisor.Resume();
                WaitFor(() => supervisor.State == ConnectionState.Streaming, 2.0, "streaming again");
                Assert.AreEqual(generation + 1, supervisor.Generation);
                supervisor.Stop();
                supervisor.Resume();
                Assert.AreEqual(ConnectionState.Stopped, supervisor.State, "Resume does not restart a stopped client");
            }
            finally
            {
                supervisor.Stop();
            }
        }

        [Test]
        public void QuickStopAndStartNeitherDisposesUnderTheOldTaskNorLetsItTouchTheNewSession()
        {
            var oldTaskSawDisposed = false;
            var oldTaskDone = new ManualResetEventSlim();
            var source = new ScriptedSource(async (sink, token, attempt) =>
            {
                if (attempt == 1)
                {
                    sink.OnHeader(new StreamHeader());
                    try
                    {
                        await Hang(token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                    // Winding down slowly, as a gRPC call does: the token must still be usable...
                    await Task.Delay(150).ConfigureAwait(false);
                    try
                    {
                        var handle = token.WaitHandle;
                        GC.KeepAlive(handle);
                    }
                    catch (ObjectDisposedException)
                    {
                        oldTaskSawDisposed = true;
                    }
                    // ...and a late frame must not reach the session that started meanwhile.
                    var late = new AnimationFrame();
                    late.Participants[0].Speaking = 0.999f;
                    sink.OnFrame(late);
                    oldTaskDone.Set();
                    return;
                }
                await Stream(sink, token, 100000, 0.02, 0.25f).ConfigureAwait(false);
            });
            var receiver = new StreamReceiver();
            var supervisor = new ConnectionSupervisor(receiver, Fast());
            supervisor.Start(source);
            try
            {
                WaitFor(() => supervisor.State == ConnectionState.Streaming, 2.0, "the first session");
                var first = supervisor.Completion;
                supervisor.Stop();
                supervisor.Start(source); // the quick disable and enable
                Assert.IsFalse(first.IsCompleted, "the old task is still winding down");
                Assert.IsTrue(oldTaskDone.Wait(2000));
                Assert.IsFalse(oldTaskSawDisposed, "the old session's cancellation source was disposed under its task");
                Assert.IsTrue(first.Wait(2000), "the old session ends by itself");
                WaitFor(() => supervisor.State == ConnectionState.Streaming, 2.0, "the second session");
                for (var i = 0; i < 20; i++)
                {
                    receiver.Update(MonotonicClock.NowSeconds);
                    ParticipantPose pose;
                    if (receiver.Feed.TryGetPose(0, out pose))
                        Assert.AreNotEqual(0.999f, pose.Speaking, "a frame of the old session was shown");
                    Thread.Sleep(10);
                }
                Assert.AreEqual(2, supervisor.Generation);
            }
            finally
            {
                supervisor.Stop();
            }
        }

        [Test]
        public void AttemptThatIgnoresCancellationIsAbandonedAndSilenced()
        {
            var release = new ManualResetEventSlim();
            var source = new ScriptedSource(async (sink, token, attempt) =>
            {
                if (attempt == 1)
                {
                    sink.OnHeader(new StreamHeader());
                    await Task.Run(() => release.Wait()).ConfigureAwait(false); // deaf to the token
                    var late = new AnimationFrame();
                    late.Participants[0].Speaking = 0.999f;
                    sink.OnFrame(late);
                    return;
                }
                await Stream(sink, token, 100000, 0.02, 0.25f).ConfigureAwait(false);
            });
            var receiver = new StreamReceiver();
            var supervisor = new ConnectionSupervisor(receiver, Fast());
            var log = new Log(supervisor);
            supervisor.Start(source);
            try
            {
                WaitFor(() => source.Attempts >= 2 && supervisor.State == ConnectionState.Streaming, 3.0, "the next attempt");
                StringAssert.Contains("abandoned", log.Reasons);
                release.Set();
                Thread.Sleep(100);
                receiver.Update(MonotonicClock.NowSeconds);
                ParticipantPose pose;
                Assert.IsTrue(receiver.Feed.TryGetPose(0, out pose));
                Assert.AreNotEqual(0.999f, pose.Speaking);
            }
            finally
            {
                release.Set();
                supervisor.Stop();
            }
        }

        [Test]
        public void RefusedSettingsStayStoppedWithTheReason()
        {
            var supervisor = new ConnectionSupervisor(new StreamReceiver());
            supervisor.Refuse("a token over http://");
            Assert.AreEqual(ConnectionState.Stopped, supervisor.State);
            Assert.AreEqual("a token over http://", supervisor.LastError);
        }

        [Test]
        public void LifetimeDisposesOnlyAfterBothCancelAndTheTaskEnd()
        {
            var lifetime = new SessionLifetime(7);
            Assert.AreEqual(7, lifetime.Generation);
            lifetime.Cancel();
            Assert.IsTrue(lifetime.IsCancellationRequested);
            Assert.IsFalse(lifetime.IsDisposed, "cancelled, but its task still runs");
            Assert.DoesNotThrow(() => GC.KeepAlive(lifetime.Token.WaitHandle));
            lifetime.TaskEnded();
            Assert.IsTrue(lifetime.IsDisposed);
            Assert.DoesNotThrow(() => lifetime.Cancel(), "cancelling again after the end is harmless");

            var ended = new SessionLifetime(8);
            ended.TaskEnded(); // a task that ended on its own: nothing will use the source again
            Assert.IsTrue(ended.IsDisposed);
            Assert.DoesNotThrow(() => ended.Cancel());
        }
    }
}
