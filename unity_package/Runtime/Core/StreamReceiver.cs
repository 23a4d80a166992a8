using System;
using System.Globalization;
using System.Text;

namespace TalkingTogether.Bridge
{
    /// <summary>What a client shows about its stream; a snapshot, taken on the main thread.</summary>
    public struct StreamStatistics
    {
        /// <summary>Frames received per second over the last 2 s (25 when all is well).</summary>
        public double ReceivedFps;
        /// <summary>Seconds the playout runs behind the earliest possible arrival, now.</summary>
        public double PlayoutDelay;
        /// <summary>Seconds the playout delay is slewing toward.</summary>
        public double TargetDelay;
        /// <summary>Spread of arrival offsets the delay absorbs, seconds.</summary>
        public double Jitter;
        public long Received;
        /// <summary>Frames that came after their playout time had passed; dropped.</summary>
        public long Late;
        public long Lost;
        public long Duplicates;
        public long Underruns;
        public long Overflows;
        /// <summary>Seconds from the capture of the audio behind the pose shown now to now, by
        /// the frame's capture_time_ns plus the header's epoch offset (the server's wall clock)
        /// against this device's wall clock: true only as far as the two clocks agree (NTP: a few
        /// ms on a LAN; loopback: exactly). NaN before the first pose.</summary>
        public double EndToEndLatency;
        /// <summary>The same from capture to the frame's arrival here, seconds; NaN before the first.</summary>
        public double ArrivalLatency;
        /// <summary>Animate with stamped chunks (the headset microphone): capture to display on
        /// this device's own clock, every queue included, no clock sync needed. NaN otherwise.</summary>
        public double ClientLatency;
        /// <summary>Seconds since the last frame arrived; NaN before the first.</summary>
        public double SecondsSinceLastFrame;

        /// <summary>The figures as the client's inspector and the sample's status panel show them.</summary>
        public void AppendSummary(StringBuilder b)
        {
            b.Append(ReceivedFps.ToString("0.0", CultureInfo.InvariantCulture)).Append(" fps  delay ").Append(Milliseconds(PlayoutDelay))
             .Append("  jitter ").Append(Milliseconds(Jitter)).Append('\n');
            b.Append("frames ").Append(Received).Append("  lost ").Append(Lost).Append("  late ").Append(Late)
             .Append("  underruns ").Append(Underruns);
            if (!double.IsNaN(EndToEndLatency))
                b.Append("\ncapture to display ").Append(Milliseconds(EndToEndLatency));
        }

        static string Milliseconds(double seconds)
        {
            return double.IsNaN(seconds) ? "-" : Math.Round(seconds * 1000.0).ToString(CultureInfo.InvariantCulture) + " ms";
        }
    }

    /// <summary>
    /// The meeting point of the network thread and the main thread: the network side begins
    /// streams and pushes frames (stamped on arrival) into a <see cref="JitterBuffer"/>; the main
    /// thread samples it once per Unity frame into the <see cref="PoseFeed"/> the avatars read,
    /// and takes the <see cref="StreamStatistics"/>. <see cref="Clear"/> puts the feed back to rest.
    /// </summary>
    public sealed class StreamReceiver
    {
        const int ArrivalWindow = 128;
        const double FpsWindow = 2.0;

        readonly object m_Lock = new object();
        readonly PlayoutDelay m_Delay;
        readonly Func<long> m_UnixNowNs;
        readonly Func<long> m_LocalNowNs;
        readonly PoseFeed m_Feed = new PoseFeed();
        readonly AnimationFrame m_Sampled = new AnimationFrame();
        readonly double[] m_Arrivals = new double[ArrivalWindow];
        JitterBuffer m_Buffer;
        int m_ArrivalCount;
        int m_ArrivalNext;
        double m_StreamStart;
        double m_LastArrival = double.NaN;
        double m_ArrivalLatency = double.NaN;
        long m_EpochOffsetNs;
        StreamHeader m_PendingHeader;
        StreamStatistics m_Statistics;

        /// <param name="delay">The jitter buffer's playout delay.</param>
        /// <param name="unixNowNs">This device's wall clock, Unix ns; <see cref="MonotonicClock.UnixNowNs"/> when null.</param>
        /// <param name="localNowNs">The clock microphone chunks are stamped with; <see cref="MonotonicClock.NowNs"/> when null.</param>
        public StreamReceiver(PlayoutDelay delay = null, Func<long> unixNowNs = null, Func<long> localNowNs = null)
        {
            m_Delay = delay ?? new PlayoutDelay();
            m_Delay.Validate();
            m_UnixNowNs = unixNowNs ?? (() => MonotonicClock.UnixNowNs);
            m_LocalNowNs = localNowNs ?? (() => MonotonicClock.NowNs);
            m_Buffer = new JitterBuffer(25, m_Delay);
            ResetStatistics();
        }

        /// <summary>Main thread: what the avatars read.</summary>
        public PoseFeed Feed { get { return m_Feed; } }

        /// <summary>Main thread: the snapshot of the last <see cref="Update"/>.</summary>
        public StreamStatistics Statistics { get { return m_Statistics; } }

        /// <summary>The header of the current stream, once <see cref="Update"/> has taken it.</summary>
        public StreamHeader Header { get; private set; }

        /// <summary>Network thread: a new stream (sequence numbers restart; the rate may change).</summary>
        public void BeginStream(StreamHeader header, double now)
        {
            if (header == null)
                throw new ArgumentNullException("header");
            lock (m_Lock)
            {
                m_Buffer = new JitterBuffer(header.Fps > 0 ? header.Fps : 25, m_Delay);
                m_EpochOffsetNs = header.EpochOffsetNs;
                m_PendingHeader = header;
                m_ArrivalCount = 0;
                m_StreamStart = now;
                m_LastArrival = double.NaN;
                m_ArrivalLatency = double.NaN;
            }
        }

        /// <summary>Network thread: a frame that arrived at <paramref name="now"/> (seconds, the
        /// clock <see cref="Update"/> gets); copied in.</summary>
        public void Push(AnimationFrame frame, double now)
        {
            var unix = m_UnixNowNs();
            lock (m_Lock)
            {
                m_Buffer.Push(frame, now);
                m_Arrivals[m_ArrivalNext] = now;
                m_ArrivalNext = (m_ArrivalNext + 1) % ArrivalWindow;
                m_ArrivalCount = Math.Min(m_ArrivalCount + 1, ArrivalWindow);
                m_LastArrival = now;
                if (frame.CaptureTimeNs != 0)
                    m_ArrivalLatency = (unix - (frame.CaptureTimeNs + m_EpochOffsetNs)) * 1e-9;
            }
        }

        /// <summary>Main thread, once per Unity frame: samples the buffer into <see cref="Feed"/>
        /// and refreshes <see cref="Statistics"/>. Returns the header of a stream that began since
        /// the last call, else null.</summary>
        public StreamHeader Update(double now)
        {
            StreamHeader header;
            bool sampled;
            var stats = new StreamStatistics();
            lock (m_Lock)
            {
                header = m_PendingHeader;
                m_PendingHeader = null;
                sampled = m_Buffer.Sample(now, m_Sampled);
                var s = m_Buffer.Stats;
                stats.Received = s.Received;
                stats.Late = s.Late;
                stats.Lost = s.Lost;
                stats.Duplicates = s.Duplicates;
                stats.Underruns = s.Underruns;
                stats.Overflows = s.Overflows;
                stats.PlayoutDelay = m_Buffer.CurrentDelay;
                stats.TargetDelay = m_Buffer.TargetDelay;
                stats.Jitter = m_Buffer.MeasuredJitter;
                stats.ReceivedFps = ReceivedFps(now);
                stats.ArrivalLatency = m_ArrivalLatency;
                stats.SecondsSinceLastFrame = now - m_LastArrival;
                stats.EndToEndLatency = sampled && m_Sampled.CaptureTimeNs != 0
                    ? (m_UnixNowNs() - (m_Sampled.CaptureTimeNs + m_EpochOffsetNs)) * 1e-9 : double.NaN;
                stats.ClientLatency = sampled && m_Sampled.ClientCaptureTimeNs != 0
                    ? (m_LocalNowNs() - m_Sampled.ClientCaptureTimeNs) * 1e-9 : double.NaN;
            }
            if (header != null)
            {
                Header = header;
                m_Feed.SetAnchors(header.Anchors);
            }
            if (sampled)
                m_Feed.Publish(m_Sampled);
            m_Statistics = stats;
            return header;
        }

        /// <summary>Main thread: forget the stream and put the feed back to rest (seats kept).</summary>
        public void Clear()
        {
            lock (m_Lock)
            {
                m_Buffer.Reset();
                m_PendingHeader = null;
                m_ArrivalCount = 0;
                m_LastArrival = double.NaN;
                m_ArrivalLatency = double.NaN;
            }
            m_Feed.Clear();
            ResetStatistics();
        }

        double ReceivedFps(double now)
        {
            var span = Math.Min(FpsWindow, now - m_StreamStart);
            if (m_ArrivalCount == 0 || span <= 0.25)
                return 0.0;
            var n = 0;
            for (var i = 0; i < m_ArrivalCount; i++)
                if (m_Arrivals[i] > now - FpsWindow)
                    n++;
            return n / span;
        }

        void ResetStatistics()
        {
            m_Statistics = new StreamStatistics
            {
                PlayoutDelay = m_Delay.Initial,
                TargetDelay = m_Delay.Initial,
                EndToEndLatency = double.NaN,
                ArrivalLatency = double.NaN,
                ClientLatency = double.NaN,
                SecondsSinceLastFrame = double.NaN,
            };
        }
    }
}
