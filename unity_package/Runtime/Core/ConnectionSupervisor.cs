using System;
using System.Threading;
using System.Threading.Tasks;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// Keeps a stream up for as long as it runs, whatever the transport: it runs attempts of the
    /// <see cref="IFrameSource"/> it was started with, gives up on one that has no header after
    /// <see cref="SupervisorSettings.ConnectTimeout"/> or no frame for
    /// <see cref="SupervisorSettings.StallTimeout"/> (the watchdog: a dead Wi-Fi link or a frozen
    /// server can leave a connection open that carries nothing), waits out a
    /// <see cref="ReconnectBackoff"/> and tries again; pauses and resumes with the application.
    /// Frames go to a <see cref="StreamReceiver"/>, stamped on arrival.
    /// Each <see cref="Start"/> is a new session with a new generation: a session's cancellation
    /// source is disposed only after its task ended (<see cref="SessionLifetime"/>), and anything a
    /// late task of an old session or an abandoned attempt delivers is ignored.
    /// Thread-safe; <see cref="StateChanged"/> is raised on whichever thread made the change, in order.
    /// </summary>
    public sealed class ConnectionSupervisor
    {
        readonly object m_Lock = new object();
        readonly object m_EventLock = new object();
        readonly StreamReceiver m_Receiver;
        readonly SupervisorSettings m_Settings;
        readonly Func<double> m_Clock;
        Run m_Run;
        int m_Generation;
        IFrameSource m_Source;
        ConnectionState m_State = ConnectionState.Stopped;
        string m_LastError = "";
        int m_StateVersion;
        int m_RaisedVersion;
        Task m_Task = CompletedTask();

        /// <param name="clock">Seconds on a monotonic clock; <see cref="MonotonicClock.NowSeconds"/> when null.</param>
        public ConnectionSupervisor(StreamReceiver receiver, SupervisorSettings settings = null, Func<double> clock = null)
        {
            if (receiver == null)
                throw new ArgumentNullException("receiver");
            m_Receiver = receiver;
            m_Settings = settings ?? new SupervisorSettings();
            m_Settings.Validate();
            m_Clock = clock ?? (() => MonotonicClock.NowSeconds);
        }

        /// <summary>Raised on every change of <see cref="State"/>, with the reason (or empty).</summary>
        public event Action<ConnectionState, string> StateChanged;

        public ConnectionState State { get { lock (m_Lock) return m_State; } }

        /// <summary>Why the last attempt ended, or why the state is what it is; empty when streaming.</summary>
        public string LastError { get { lock (m_Lock) return m_LastError; } }

        /// <summary>Sessions started so far; each <see cref="Start"/> or <see cref="Resume"/> is one.</summary>
        public int Generation { get { lock (m_Lock) return m_Generation; } }

        /// <summary>Attempts made in the current session after its first one.</summary>
        public int Reconnects { get { lock (m_Lock) return m_Run == null ? 0 : Math.Max(0, m_Run.Attempt - 1); } }

        /// <summary>The latest session's task: it ends some time after <see cref="Stop"/>.</summary>
        public Task Completion { get { lock (m_Lock) return m_Task; } }

        /// <summary>Starts a session on <paramref name="source"/> unless one runs (from OnEnable).
        /// <see cref="Resume"/> after a pause uses the same source.</summary>
        public void Start(IFrameSource source)
        {
            if (source == null)
                throw new ArgumentNullException("source");
            lock (m_Lock)
                m_Source = source;
            Begin(false);
        }

        /// <summary>Ends the session: its attempt is cancelled (the task ends on its own, later), the
        /// pose goes back to rest, the state is <see cref="ConnectionState.Stopped"/>.</summary>
        public void Stop()
        {
            End(ConnectionState.Stopped, "");
            m_Receiver.Clear();
        }

        /// <summary>Stops the way <see cref="Stop"/> does but with state
        /// <see cref="ConnectionState.Paused"/>, so that <see cref="Resume"/> starts again.</summary>
        public void Pause()
        {
            lock (m_Lock)
            {
                if (m_Run == null)
                    return; // stopped stays stopped
            }
            End(ConnectionState.Paused, "");
            m_Receiver.Clear();
        }

        /// <summary>Starts a fresh session (fresh backoff) after <see cref="Pause"/>.</summary>
        public void Resume()
        {
            Begin(true);
        }

        /// <summary>A settings problem found before anything runs: stopped, with the reason.</summary>
        public void Refuse(string reason)
        {
            End(ConnectionState.Stopped, reason ?? "");
        }

        void Begin(bool onlyIfPaused)
        {
            Run run;
            lock (m_Lock)
            {
                if (m_Run != null || m_Source == null || onlyIfPaused && m_State != ConnectionState.Paused)
                    return;
                run = new Run(new SessionLifetime(++m_Generation), m_Source,
                              new ReconnectBackoff(m_Settings.BackoffInitial, m_Settings.BackoffMax));
                m_Run = run;
            }
            var task = Task.Run(() => RunAsync(run));
            lock (m_Lock)
            {
                if (m_Run == run)
                    m_Task = task;
            }
        }

        void End(ConnectionState state, string reason)
        {
            Run run;
            lock (m_Lock)
            {
                run = m_Run;
                m_Run = null;
            }
            if (run != null)
                run.Lifetime.Cancel(); // disposed by the task's end, not here
            Publish(null, state, reason);
        }

        async Task RunAsync(Run run)
        {
            var token = run.Lifetime.Token;
            try
            {
                while (!token.IsCancellationRequested)
                {
                    int attempt;
                    lock (m_Lock)
                    {
                        if (m_Run != run)
                            return;
                        attempt = ++run.Attempt;
                        run.AttemptStart = m_Clock();
                        run.HeaderSeen = false;
                        run.Dropping = false;
                    }
                    Publish(run, ConnectionState.Connecting, "");
                    var reason = await AttemptAsync(run, attempt).ConfigureAwait(false);
                    if (token.IsCancellationRequested)
                        return;
                    double wait;
                    lock (m_Lock)
                        wait = run.Backoff.NextDelay();
                    Publish(run, ConnectionState.Reconnecting, reason);
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(wait), token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
            finally
            {
                run.Lifetime.TaskEnded();
            }
        }

        /// <summary>One attempt under the watchdog; returns why it ended.</summary>
        async Task<string> AttemptAsync(Run run, int attempt)
        {
            var cancel = CancellationTokenSource.CreateLinkedTokenSource(run.Lifetime.Token);
            var sink = new AttemptSink(this, run, attempt);
            Task task;
            try
            {
                task = run.Source.RunAsync(sink, cancel.Token) ?? CompletedTask();
            }
            catch (Exception e)
            {
                cancel.Dispose();
                return Describe(e);
            }
            string timeout = null;
            var poll = TimeSpan.FromSeconds(m_Settings.PollInterval);
            while (!task.IsCompleted && !run.Lifetime.IsCancellationRequested)
            {
                await Task.WhenAny(task, Task.Delay(poll)).ConfigureAwait(false);
                if (task.IsCompleted)
                    break;
                timeout = CheckTimeouts(run, attempt);
                if (timeout != null)
                {
                    cancel.Cancel();
                    break;
                }
            }
            if (!task.IsCompleted)
            {
                var wound = await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(m_Settings.AbandonAfter))).ConfigureAwait(false);
                if (wound != task)
                {
                    // Left behind: the next attempt's number makes anything it still delivers stale.
                    Forget(task.ContinueWith(t => { var ignored = t.Exception; cancel.Dispose(); }, TaskScheduler.Default));
                    return (timeout ?? "cancelled") + "; the attempt did not stop and was abandoned";
                }
            }
            cancel.Dispose();
            try
            {
                await task.ConfigureAwait(false);
                return timeout ?? "the server ended the stream";
            }
            catch (Exception e)
            {
                return timeout ?? Describe(e);
            }
        }

        /// <summary>The connect timeout and the stall watchdog; non-null when the attempt must go.</summary>
        string CheckTimeouts(Run run, int attempt)
        {
            var now = m_Clock();
            string reason = null;
            var stalled = false;
            lock (m_Lock)
            {
                if (m_Run != run || run.Attempt != attempt)
                    return "superseded";
                if (!run.HeaderSeen && now - run.AttemptStart > m_Settings.ConnectTimeout)
                {
                    reason = string.Format("no stream within {0:0.#} s (connect timeout)", m_Settings.ConnectTimeout);
                }
                else if (run.HeaderSeen && now - run.LastFrame > m_Settings.StallTimeout)
                {
                    reason = string.Format("no frame for {0:0.#} s (stalled)", m_Settings.StallTimeout);
                    stalled = true;
                }
                if (reason != null)
                    run.Dropping = true; // nothing more from this attempt counts
            }
            if (stalled)
                Publish(run, ConnectionState.Stalled, reason);
            return reason;
        }

        bool IsCurrent(Run run, int attempt)
        {
            return m_Run == run && run.Attempt == attempt && !run.Dropping && !run.Lifetime.IsCancellationRequested;
        }

        void OnHeader(Run run, int attempt, StreamHeader header)
        {
            var now = m_Clock();
            lock (m_Lock)
            {
                if (!IsCurrent(run, attempt))
                    return;
                run.HeaderSeen = true;
                run.LastFrame = now; // the watchdog counts from the header
                run.Backoff.Reset();
                // Under the lock, so that a Stop cannot slip in between the check and the write.
                m_Receiver.BeginStream(header, now);
            }
            Publish(run, ConnectionState.Streaming, "");
        }

        void OnFrame(Run run, int attempt, AnimationFrame frame)
        {
            var now = m_Clock();
            lock (m_Lock)
            {
                if (!IsCurrent(run, attempt) || !run.HeaderSeen)
                    return;
                run.LastFrame = now;
                m_Receiver.Push(frame, now);
            }
        }

        /// <summary>Sets the state when <paramref name="run"/> is current (or for null: the owner
        /// ending a session) and raises <see cref="StateChanged"/> outside the lock.</summary>
        void Publish(Run run, ConnectionState state, string reason)
        {
            int version;
            lock (m_Lock)
            {
                if (run != null && m_Run != run)
                    return;
                if (m_State == state && m_LastError == reason)
                    return;
                m_State = state;
                m_LastError = reason;
                version = ++m_StateVersion;
            }
            var handler = StateChanged;
            if (handler == null)
                return;
            lock (m_EventLock)
            {
                // Two threads may change the state at once: never report an older change after a newer one.
                if (version < m_RaisedVersion)
                    return;
                m_RaisedVersion = version;
                handler(state, reason);
            }
        }

        static string Describe(Exception e)
        {
            var aggregate = e as AggregateException;
            if (aggregate != null && aggregate.InnerExceptions.Count == 1)
                e = aggregate.InnerExceptions[0];
            return string.IsNullOrEmpty(e.Message) ? e.GetType().Name : e.Message;
        }

        static void Forget(Task task)
        {
        }

        static Task CompletedTask()
        {
            var done = new TaskCompletionSource<bool>();
            done.SetResult(true);
            return done.Task;
        }

        /// <summary>One session's state; fields under the supervisor's lock.</summary>
        sealed class Run
        {
            public readonly SessionLifetime Lifetime;
            public readonly IFrameSource Source;
            public readonly ReconnectBackoff Backoff;
            public int Attempt;
            public double AttemptStart;
            public double LastFrame;
            public bool HeaderSeen;
            /// <summary>A timeout fired: the attempt is being dropped.</summary>
            public bool Dropping;

            public Run(SessionLifetime lifetime, IFrameSource source, ReconnectBackoff backoff)
            {
                Lifetime = lifetime;
                Source = source;
                Backoff = backoff;
            }
        }

        /// <summary>What one attempt of one session delivers into; stale once either is over.</summary>
        sealed class AttemptSink : IFrameSink
        {
            readonly ConnectionSupervisor m_Owner;
            readonly Run m_Run;
            readonly int m_Attempt;

            public AttemptSink(ConnectionSupervisor owner, Run run, int attempt)
            {
                m_Owner = owner;
                m_Run = run;
                m_Attempt = attempt;
            }

            public void OnHeader(StreamHeader header) { m_Owner.OnHeader(m_Run, m_Attempt, header); }
            public void OnFrame(AnimationFrame frame) { m_Owner.OnFrame(m_Run, m_Attempt, frame); }
        }
    }
}
