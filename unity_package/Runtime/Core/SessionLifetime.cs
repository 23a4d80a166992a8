using System.Threading;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// The cancellation of one session (one enable of the client), with its generation number.
    /// Its <see cref="CancellationTokenSource"/> is disposed only once both have happened: the
    /// owner cancelled it (or never will) and the task that uses it ended. Disposing right after
    /// <c>Cancel()</c>, as a quick disable then enable did, left the still-running task with a
    /// disposed source. The generation lets late work of an old session recognise that it is no
    /// longer current and touch nothing.
    /// </summary>
    public sealed class SessionLifetime
    {
        readonly object m_Lock = new object();
        readonly CancellationTokenSource m_Source = new CancellationTokenSource();
        readonly CancellationToken m_Token;
        bool m_Cancelling;
        bool m_Ended;

        public SessionLifetime(int generation)
        {
            Generation = generation;
            m_Token = m_Source.Token; // taken now: a token outlives its disposed source
        }

        public int Generation { get; private set; }

        public CancellationToken Token { get { return m_Token; } }

        public bool IsCancellationRequested { get { return m_Token.IsCancellationRequested; } }

        /// <summary>True once the source has been disposed (cancelled or not, and the task ended).</summary>
        public bool IsDisposed { get; private set; }

        /// <summary>Requests cancellation; safe to call any number of times, from any thread, before
        /// or after the task ended.</summary>
        public void Cancel()
        {
            lock (m_Lock)
            {
                if (IsDisposed || m_Cancelling || m_Token.IsCancellationRequested)
                    return;
                m_Cancelling = true;
            }
            try
            {
                m_Source.Cancel(); // outside the lock: callbacks run here
            }
            finally
            {
                lock (m_Lock)
                {
                    m_Cancelling = false;
                    if (m_Ended)
                        DisposeLocked();
                }
            }
        }

        /// <summary>The task using <see cref="Token"/> has ended; call exactly once, from its end.</summary>
        public void TaskEnded()
        {
            lock (m_Lock)
            {
                m_Ended = true;
                if (!m_Cancelling)
                    DisposeLocked();
            }
        }

        void DisposeLocked()
        {
            if (IsDisposed)
                return;
            IsDisposed = true;
            m_Source.Dispose();
        }
    }
}
