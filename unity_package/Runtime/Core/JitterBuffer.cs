using System;
using System.Collections.Generic;

namespace TalkingTogether.Bridge
{
    /// <summary>Counters a client shows in its status, to tell network trouble from server trouble.</summary>
    public struct JitterStats
    {
        /// <summary>Frames accepted into the buffer.</summary>
        public long Received;
        /// <summary>Frames that came after their playout time had passed; dropped.</summary>
        public long Late;
        /// <summary>Frames seen before; dropped.</summary>
        public long Duplicates;
        /// <summary>Sequence numbers never received in time; playout interpolated across them.</summary>
        public long Lost;
        /// <summary>Times the buffer ran dry and held the last frame.</summary>
        public long Underruns;
        /// <summary>Frames dropped because the buffer was full (a stalled consumer).</summary>
        public long Overflows;
    }

    /// <summary>
    /// Turns 25 fps frames that arrive with network jitter into smooth poses at the display rate
    /// (72-120 Hz in a headset). Each frame's media time is sequence / fps; the buffer maps media
    /// time to the local clock with the smallest arrival-minus-media offset seen over a recent
    /// window (the least-delayed frame is the best estimate of the pure clock offset), then plays
    /// <see cref="CurrentDelay"/> behind it, interpolating between the two frames around the
    /// playout time: slerp for rotations, lerp for weights. Lost frames are interpolated across;
    /// late ones are dropped.
    /// The delay follows <see cref="TargetDelay"/>, measured from the same window (one frame
    /// interval plus the spread of arrival offsets, plus a margin: see <see cref="PlayoutDelay"/>),
    /// and is reached by slewing the playout clock (at most ±<see cref="PlayoutDelay.SlewRate"/>)
    /// rather than by steps. When the buffer runs dry the clock stops on the last frame (a frozen
    /// face reads better than one that overshoots), so playback resumes from there without a jump.
    /// Times are seconds on any monotonic clock the caller chooses, so Core stays engine-free
    /// and the tests drive it with a fake clock.
    /// </summary>
    public sealed class JitterBuffer
    {
        /// <summary>Gaps longer than this are not interpolated across: the pose jumps instead of
        /// sliding slowly through a second of missing motion.</summary>
        public const double MaxInterpolatedGap = 0.5;

        readonly double m_FrameInterval;
        readonly int m_Capacity;
        readonly PlayoutDelay m_Delay;
        readonly List<AnimationFrame> m_Frames = new List<AnimationFrame>();
        readonly Stack<AnimationFrame> m_Pool = new Stack<AnimationFrame>();
        readonly double[] m_Offsets;
        int m_OffsetCount;
        int m_OffsetNext;
        double m_ClockOffset;
        double m_Spread;
        double m_Target;
        long m_HighestSequence;
        double m_PlayedMediaTime;
        bool m_Dry;
        bool m_Started;
        double m_Lag;
        double m_StallDebt;
        double m_LastSample;
        JitterStats m_Stats;

        /// <param name="fps">The stream's frame rate, from the server header.</param>
        /// <param name="delay">Playout delay settings; validated here.</param>
        /// <param name="capacity">Frames held at most; 4 s at 25 fps by default.</param>
        /// <param name="offsetWindow">Arrivals over which the clock offset (their minimum) and the
        /// jitter (their spread) are measured; 0: <see cref="PlayoutDelay.ShrinkAfter"/> seconds of frames.</param>
        public JitterBuffer(int fps, PlayoutDelay delay, int capacity = 100, int offsetWindow = 0)
        {
            if (fps <= 0)
                throw new ArgumentOutOfRangeException("fps");
            if (capacity < 2)
                throw new ArgumentOutOfRangeException("capacity");
            if (offsetWindow < 0)
                throw new ArgumentOutOfRangeException("offsetWindow");
            if (delay == null)
                throw new ArgumentNullException("delay");
            delay.Validate();
            m_FrameInterval = 1.0 / fps;
            m_Capacity = capacity;
            m_Delay = delay;
            m_Offsets = new double[offsetWindow > 0 ? offsetWindow : Math.Max(25, (int)Math.Ceiling(delay.ShrinkAfter * fps))];
            Reset();
        }

        public JitterStats Stats { get { return m_Stats; } }

        /// <summary>Seconds the playout runs behind the earliest possible arrival.</summary>
        public double CurrentDelay { get { return m_Started ? m_Lag - m_ClockOffset : m_Delay.Initial; } }

        /// <summary>The delay the playout clock is slewing toward: <see cref="PlayoutDelay.Initial"/>
        /// when not adaptive, else the measured need (<see cref="NeededDelay"/>) plus the margin,
        /// within [Min, Max]. It starts at <see cref="PlayoutDelay.Initial"/>, rises as soon as the
        /// need does, and falls only once a whole window has been measured and the need has dropped
        /// by more than a second margin: a small change of the measured jitter moves nothing.</summary>
        public double TargetDelay { get { return m_Delay.Adaptive ? m_Target : m_Delay.Initial; } }

        /// <summary>The least delay at which no frame of the window would have been late: one frame
        /// interval (the next frame must be in before the playout passes the current one) plus
        /// <see cref="MeasuredJitter"/>.</summary>
        public double NeededDelay { get { return m_FrameInterval + m_Spread; } }

        /// <summary>Seconds between the least and the most delayed arrival of the window: the
        /// jitter the delay must absorb (bursts included: frames that come four at a time spread
        /// over three frame intervals).</summary>
        public double MeasuredJitter { get { return m_Spread; } }

        public double FrameInterval { get { return m_FrameInterval; } }

        /// <summary>True while the buffer is dry and holds its last frame.</summary>
        public bool IsDry { get { return m_Dry; } }

        public int Count { get { return m_Frames.Count; } }

        /// <summary>Forgets all frames and timing; call on every new stream (server header),
        /// because sequence numbers restart from 0.</summary>
        public void Reset()
        {
            foreach (var f in m_Frames)
                m_Pool.Push(f);
            m_Frames.Clear();
            m_OffsetCount = 0;
            m_OffsetNext = 0;
            m_Spread = 0;
            m_Target = m_Delay.Initial;
            m_HighestSequence = -1;
            m_PlayedMediaTime = double.NegativeInfinity;
            m_Dry = false;
            m_Started = false;
            m_StallDebt = 0;
            m_Stats = new JitterStats();
        }

        /// <summary>Copies <paramref name="frame"/> in; returns false when it is dropped as late
        /// or duplicate.</summary>
        public bool Push(AnimationFrame frame, double arrivalTime)
        {
            var media = frame.Sequence * m_FrameInterval;
            if (m_Frames.Count > 0 && frame.Sequence < m_Frames[0].Sequence && media < m_PlayedMediaTime)
            {
                m_Stats.Late++;
                return false;
            }
            var at = InsertionIndex(frame.Sequence);
            if (at < 0)
            {
                m_Stats.Duplicates++;
                return false;
            }
            if (frame.Sequence > m_HighestSequence)
            {
                if (m_HighestSequence >= 0)
                    m_Stats.Lost += frame.Sequence - m_HighestSequence - 1;
                m_HighestSequence = frame.Sequence;
            }
            else
            {
                m_Stats.Lost--; // a reordered frame that was counted lost arrived in time after all
            }

            var slot = m_Pool.Count > 0 ? m_Pool.Pop() : new AnimationFrame();
            slot.CopyFrom(frame);
            m_Frames.Insert(at, slot);
            if (m_Frames.Count > m_Capacity)
            {
                m_Pool.Push(m_Frames[0]);
                m_Frames.RemoveAt(0);
                m_Stats.Overflows++;
            }
            m_Stats.Received++;
            AddOffset(arrivalTime - media);
            return true;
        }

        /// <summary>Writes the pose to show at local time <paramref name="now"/> into
        /// <paramref name="output"/>; false until the first frame has arrived.</summary>
        public bool Sample(double now, AnimationFrame output)
        {
            if (m_Frames.Count == 0)
                return false;
            if (!m_Started)
            {
                // Start on what is already measured (a first burst spreads over its frames).
                m_Started = true;
                m_Lag = m_ClockOffset + TargetDelay;
                m_LastSample = now;
            }
            var dt = Math.Max(0.0, now - m_LastSample);
            m_LastSample = now;

            // Slew the playout clock toward the target. Skip ahead only to drop what a long dry
            // spell (a stalled network) added, not to follow a lower target.
            var diff = m_ClockOffset + TargetDelay - m_Lag;
            if (diff < -m_Delay.CatchUpBeyond && m_StallDebt > m_Delay.CatchUpBeyond)
            {
                m_Lag -= Math.Min(-diff, m_StallDebt);
                m_StallDebt = 0;
            }
            else
            {
                var step = m_Delay.SlewRate * dt;
                var change = Math.Max(-step, Math.Min(step, diff));
                m_Lag += change;
                if (change < 0)
                    m_StallDebt = Math.Max(0, m_StallDebt + change);
            }
            var media = now - m_Lag;

            // Never play past the newest frame: the clock stops there until the next one arrives.
            var newest = m_Frames[m_Frames.Count - 1].Sequence * m_FrameInterval;
            if (media > newest)
            {
                if (!m_Dry)
                    m_Stats.Underruns++;
                m_Dry = true;
                media = newest;
                m_StallDebt += now - media - m_Lag;
                m_Lag = now - media;
            }
            else
            {
                m_Dry = false;
            }
            m_PlayedMediaTime = Math.Max(m_PlayedMediaTime, media);

            // Drop frames no longer needed: keep the last one at or before the playout time.
            while (m_Frames.Count > 1 && m_Frames[1].Sequence * m_FrameInterval <= media)
            {
                m_Pool.Push(m_Frames[0]);
                m_Frames.RemoveAt(0);
            }
            var a = m_Frames[0];
            var aTime = a.Sequence * m_FrameInterval;
            if (media <= aTime || m_Frames.Count == 1)
            {
                output.CopyFrom(a);
                return true;
            }
            var b = m_Frames[1];
            var bTime = b.Sequence * m_FrameInterval;
            if (bTime - aTime > MaxInterpolatedGap)
            {
                output.CopyFrom(a);
                return true;
            }
            var t = (float)((media - aTime) / (bTime - aTime));
            output.Sequence = a.Sequence;
            output.CaptureTimeNs = a.CaptureTimeNs + (long)((b.CaptureTimeNs - a.CaptureTimeNs) * (double)t);
            output.EmitTimeNs = a.EmitTimeNs;
            output.ClientCaptureTimeNs = a.ClientCaptureTimeNs == 0 || b.ClientCaptureTimeNs == 0 ? a.ClientCaptureTimeNs
                : a.ClientCaptureTimeNs + (long)((b.ClientCaptureTimeNs - a.ClientCaptureTimeNs) * (double)t);
            for (var p = 0; p < AnimationFrame.ParticipantCount; p++)
                output.Participants[p].Interpolate(a.Participants[p], b.Participants[p], t);
            return true;
        }

        /// <summary>Where a new sequence goes in the sorted list, or -1 when it is already there.</summary>
        int InsertionIndex(long sequence)
        {
            var i = m_Frames.Count;
            while (i > 0 && m_Frames[i - 1].Sequence > sequence)
                i--;
            if (i > 0 && m_Frames[i - 1].Sequence == sequence)
                return -1;
            return i;
        }

        void AddOffset(double offset)
        {
            m_Offsets[m_OffsetNext] = offset;
            m_OffsetNext = (m_OffsetNext + 1) % m_Offsets.Length;
            m_OffsetCount = Math.Min(m_OffsetCount + 1, m_Offsets.Length);
            var min = double.PositiveInfinity;
            var max = double.NegativeInfinity;
            for (var i = 0; i < m_OffsetCount; i++)
            {
                min = Math.Min(min, m_Offsets[i]);
                max = Math.Max(max, m_Offsets[i]);
            }
            m_ClockOffset = min;
            m_Spread = max - min;
            // Up at once; down only with a full window of evidence and more than a margin of headroom.
            var wanted = Math.Min(m_Delay.Max, Math.Max(m_Delay.Min, NeededDelay + m_Delay.Margin));
            if (wanted > m_Target || m_OffsetCount == m_Offsets.Length && wanted < m_Target - m_Delay.Margin)
                m_Target = wanted;
        }
    }
}
