using System;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// Exponential backoff between reconnection attempts, so that a headset whose server is
    /// restarting (or whose Wi-Fi dropped) retries quickly at first without hammering the server
    /// later. <see cref="Reset"/> once a stream is up, so the next outage starts short again.
    /// </summary>
    public sealed class ReconnectBackoff
    {
        readonly double m_Initial;
        readonly double m_Max;
        readonly double m_Multiplier;
        double m_Next;

        public ReconnectBackoff(double initialSeconds = 0.5, double maxSeconds = 10.0, double multiplier = 2.0)
        {
            if (!(initialSeconds > 0 && maxSeconds >= initialSeconds && multiplier >= 1))
                throw new ArgumentException("Backoff needs 0 < initial <= max and multiplier >= 1.");
            m_Initial = initialSeconds;
            m_Max = maxSeconds;
            m_Multiplier = multiplier;
            m_Next = initialSeconds;
        }

        /// <summary>Attempts since the last <see cref="Reset"/>.</summary>
        public int Attempts { get; private set; }

        /// <summary>Seconds to wait before the next attempt; each call lengthens the next wait.</summary>
        public double NextDelay()
        {
            var delay = m_Next;
            m_Next = Math.Min(m_Max, m_Next * m_Multiplier);
            Attempts++;
            return delay;
        }

        public void Reset()
        {
            m_Next = m_Initial;
            Attempts = 0;
        }
    }
}
