using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace TalkingTogether.Bridge
{
    /// <summary>Where the connection to the service stands.</summary>
    public enum ConnectionState
    {
        /// <summary>Not running: never started, disabled, or refused by its settings (see the last error).</summary>
        Stopped,
        /// <summary>An attempt is under way and no stream header has come yet.</summary>
        Connecting,
        /// <summary>A stream is up and frames flow.</summary>
        Streaming,
        /// <summary>A stream was up but no frame came for the stall timeout; the attempt is being dropped.</summary>
        Stalled,
        /// <summary>The stream ended or failed; waiting out the backoff before the next attempt.</summary>
        Reconnecting,
        /// <summary>The application is paused (headset off, app in the background); resumes with it.</summary>
        Paused,
    }

    /// <summary>What a stream's header says that the client needs: the transport-free part of the
    /// wire's <c>ServerHeader</c>.</summary>
    public sealed class StreamHeader
    {
        public int Fps = 25;
        /// <summary>The seats in room frame R, [A, B].</summary>
        public Anchor[] Anchors = new Anchor[0];
        /// <summary>Add to a frame's capture_time_ns (server monotonic) to get Unix epoch ns.</summary>
        public long EpochOffsetNs;
        public string SessionId = "";
        /// <summary>The transport's own header message (a <c>ServerHeader</c> for gRPC), or null.</summary>
        public object Wire;
    }

    /// <summary>Where a frame source delivers; implemented by <see cref="ConnectionSupervisor"/>,
    /// which timestamps each frame as it comes. Called on the source's thread.</summary>
    public interface IFrameSink
    {
        /// <summary>A stream began: sequence numbers restart.</summary>
        void OnHeader(StreamHeader header);

        /// <summary>A frame, already in ARKit order and room frame R. It is copied before this
        /// returns, so the source may reuse it.</summary>
        void OnFrame(AnimationFrame frame);
    }

    /// <summary>
    /// One way of getting frames: gRPC <c>Subscribe</c> or <c>Animate</c> in the Unity package,
    /// anything else in tests. <see cref="ConnectionSupervisor"/> owns the policy (timeouts,
    /// watchdog, backoff, pause), so that a source only has to connect and read.
    /// </summary>
    public interface IFrameSource
    {
        /// <summary>One connection attempt: connect, deliver the header and the frames to
        /// <paramref name="sink"/> as they arrive, and complete when the server ends the stream;
        /// fail (throw or fault) when it breaks. Must end soon after
        /// <paramref name="cancellationToken"/> is cancelled.</summary>
        Task RunAsync(IFrameSink sink, CancellationToken cancellationToken);
    }

    /// <summary>The supervisor's timing. Seconds throughout.</summary>
    [Serializable]
    public sealed class SupervisorSettings
    {
        /// <summary>From the start of an attempt to its stream header, at most.</summary>
        public double ConnectTimeout = 5.0;
        /// <summary>The watchdog: a stream with no frame for this long is dropped and reconnected,
        /// whatever the transport thinks of the connection.</summary>
        public double StallTimeout = 2.0;
        public double BackoffInitial = 0.5;
        public double BackoffMax = 10.0;
        /// <summary>How long a cancelled attempt may take to wind down before it is left behind
        /// (its late frames are then ignored) and the next one starts.</summary>
        public double AbandonAfter = 2.0;
        /// <summary>How often the watchdog looks.</summary>
        public double PollInterval = 0.1;

        public void Validate()
        {
            if (!(ConnectTimeout > 0 && StallTimeout > 0 && BackoffInitial > 0 && BackoffMax >= BackoffInitial &&
                  AbandonAfter > 0 && PollInterval > 0 && PollInterval < StallTimeout))
                throw new ArgumentException("Supervisor timings must be positive, BackoffMax >= BackoffInitial and PollInterval < StallTimeout.");
        }
    }

    /// <summary>The process's monotonic clock, shared by everything that stamps times on this
    /// device (frame arrivals, microphone chunks), so that they compare.</summary>
    public static class MonotonicClock
    {
        static readonly Stopwatch s_Clock = Stopwatch.StartNew();

        public static double NowSeconds { get { return s_Clock.Elapsed.TotalSeconds; } }

        public static long NowNs { get { return (long)(s_Clock.ElapsedTicks * (1e9 / Stopwatch.Frequency)); } }

        /// <summary>Unix epoch ns by this device's wall clock.</summary>
        public static long UnixNowNs { get { return (DateTime.UtcNow.Ticks - 621355968000000000L) * 100L; } }
    }
}
