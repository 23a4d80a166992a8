using System;
using TalkingTogether.V1;
using UnityEngine;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// Joins the service's room session (<c>Subscribe</c>), or animates this headset's own
    /// microphone (<c>Animate</c>, when a <see cref="HeadsetMicrophone"/> is set), and hands each
    /// avatar the pose to show this Unity frame through its <see cref="PoseSource.Feed"/>.
    /// A thin shell over Core: <see cref="ConnectionSupervisor"/> keeps the stream up (connect
    /// timeout, a 2 s no-frame watchdog, reconnection with backoff, pause and resume with the
    /// application) and <see cref="StreamReceiver"/> buffers frames in a
    /// <see cref="JitterBuffer"/> on arrival (on a worker thread, so arrival times are not quantised
    /// to the render loop) and samples them once per Unity frame; both are unit-tested under Mono.
    /// gRPC runs over HTTP/2 through Cysharp's YetAnotherHttpHandler with keepalive PINGs, since
    /// Unity's own HTTP stack has no HTTP/2 (cleartext h2c to a LAN server included). With an
    /// https:// address it speaks TLS, trusting <see cref="RootCertificates"/> (the server's ca.pem)
    /// when set; with a <see cref="Token"/> every call carries <c>authorization: Bearer TOKEN</c>.
    /// The checks live in Core's <see cref="ServerConnection"/>; see docs/security.md.
    /// Disabling the component stops the stream and puts both poses back to rest.
    /// </summary>
    [DefaultExecutionOrder(-100)]
    [AddComponentMenu("Talking Together/Talking Together Client")]
    public sealed class TalkingTogetherClient : PoseSource
    {
        [Tooltip("The service's address, e.g. http://192.168.1.20:50051 (h2c) or https://host:port.")]
        [SerializeField] string m_Address = "http://127.0.0.1:50051";
        [Tooltip("Shown in the server's logs.")]
        [SerializeField] string m_ClientName = "unity";
        [Header("Security (docs/security.md)")]
        [Tooltip("Bearer token from `talking-together token new --scope subscribe`, sent as 'authorization: Bearer TOKEN' on every call. " +
                 "Over http:// only to loopback. A value saved here ends up in the build: prefer setting Token from code.")]
        [SerializeField] string m_Token = "";
        [Tooltip("For https:// addresses: the PEM of the CA that signed the server (ca.pem from `talking-together certs`). Empty: public roots.")]
        [SerializeField, TextArea(2, 6)] string m_RootCertificates = "";
        [Tooltip("Mutual TLS only (serve --tls-client-ca): this headset's certificate, PEM.")]
        [SerializeField, TextArea(2, 6)] string m_ClientCertificate = "";
        [Tooltip("Mutual TLS only: the certificate's private key, PEM. Prefer setting ClientKey from code.")]
        [SerializeField, TextArea(2, 6)] string m_ClientKey = "";
        [SerializeField] PlayoutDelay m_PlayoutDelay = new PlayoutDelay();
        [Header("Connection health")]
        [SerializeField] float m_BackoffInitialSeconds = 0.5f;
        [SerializeField] float m_BackoffMaxSeconds = 10f;
        [Tooltip("An attempt with no stream header after this many seconds is dropped and retried.")]
        [SerializeField] float m_ConnectTimeoutSeconds = 5f;
        [Tooltip("The watchdog: a stream with no frame for this many seconds is dropped and reconnected.")]
        [SerializeField] float m_StallTimeoutSeconds = 2f;
        [Tooltip("HTTP/2 PING interval (YetAnotherHttpHandler keepalive).")]
        [SerializeField] float m_KeepAliveIntervalSeconds = 10f;
        [Tooltip("A PING not acknowledged within this many seconds closes the connection.")]
        [SerializeField] float m_KeepAliveTimeoutSeconds = 5f;
        [Header("Headset microphone (Animate)")]
        [Tooltip("Set: animate this microphone through Animate (a visitor joining from elsewhere) instead of joining the room with Subscribe.")]
        [SerializeField] HeadsetMicrophone m_Microphone;
        [Tooltip("Animate only: the layout prompt, e.g. \"face to face across a table\"; empty: the server's.")]
        [SerializeField] string m_LayoutPrompt = "";
        [Tooltip("Animate only: \"baseline\" or \"diffusion\"; empty: the server's.")]
        [SerializeField] string m_Animator = "";

        /// <summary>Raised on the main thread when <see cref="State"/> changes; the string is the
        /// reason (the last error), or empty.</summary>
        public event Action<ConnectionState, string> StatusChanged;

        /// <summary>Raised on the main thread when a new stream's header arrives (layout, names).</summary>
        public event Action<ServerHeader> HeaderReceived;

        StreamReceiver m_Receiver;
        ConnectionSupervisor m_Supervisor;
        ConnectionState m_ReportedState;
        string m_ReportedError = "";

        public string Address { get { return m_Address; } set { m_Address = value; } }

        /// <summary>The bearer token (empty: none). Like the other connection settings, a change
        /// applies when the component is next enabled.</summary>
        public string Token { get { return m_Token; } set { m_Token = value; } }

        /// <summary>PEM of the CA to trust for https:// (empty: the built-in public roots).</summary>
        public string RootCertificates { get { return m_RootCertificates; } set { m_RootCertificates = value; } }

        /// <summary>Mutual TLS: this client's certificate and private key, PEM (empty: none).</summary>
        public string ClientCertificate { get { return m_ClientCertificate; } set { m_ClientCertificate = value; } }
        public string ClientKey { get { return m_ClientKey; } set { m_ClientKey = value; } }

        /// <summary>Animate this microphone instead of joining the room; applies at the next enable.</summary>
        public HeadsetMicrophone Microphone { get { return m_Microphone; } set { m_Microphone = value; } }

        public PlayoutDelay PlayoutDelay { get { return m_PlayoutDelay; } }

        public override PoseFeed Feed { get { return Receiver.Feed; } }

        /// <summary>Connecting, Streaming, Stalled, Reconnecting, Paused or Stopped.</summary>
        public ConnectionState State { get { return m_Supervisor != null ? m_Supervisor.State : ConnectionState.Stopped; } }

        /// <summary>Why the state is what it is (the last attempt's end, a settings problem), or empty.</summary>
        public string LastError { get { return m_Supervisor != null ? m_Supervisor.LastError : ""; } }

        /// <summary>Attempts after the first in the current session.</summary>
        public int Reconnects { get { return m_Supervisor != null ? m_Supervisor.Reconnects : 0; } }

        /// <summary>Received fps, playout delay, late and lost frames, underruns, end-to-end
        /// latency: as of this Unity frame.</summary>
        public StreamStatistics Statistics { get { return Receiver.Statistics; } }

        /// <summary>The header of the current stream, or null before the first.</summary>
        public ServerHeader Header { get { return Receiver.Header != null ? Receiver.Header.Wire as ServerHeader : null; } }

        /// <summary>Lost, late and underrun counts since the current stream began.</summary>
        public JitterStats Stats
        {
            get
            {
                var s = Receiver.Statistics;
                return new JitterStats { Received = s.Received, Late = s.Late, Duplicates = s.Duplicates, Lost = s.Lost, Underruns = s.Underruns, Overflows = s.Overflows };
            }
        }

        /// <summary>The playout delay in use now, in seconds.</summary>
        public double PlayoutDelaySeconds { get { return Receiver.Statistics.PlayoutDelay; } }

        StreamReceiver Receiver
        {
            get
            {
                if (m_Receiver == null)
                    m_Receiver = new StreamReceiver(m_PlayoutDelay);
                return m_Receiver;
            }
        }

        ConnectionSupervisor Supervisor
        {
            get
            {
                if (m_Supervisor == null)
                {
                    m_Supervisor = new ConnectionSupervisor(Receiver, new SupervisorSettings
                    {
                        ConnectTimeout = Mathf.Max(0.5f, m_ConnectTimeoutSeconds),
                        StallTimeout = Mathf.Max(0.25f, m_StallTimeoutSeconds),
                        BackoffInitial = Mathf.Max(0.05f, m_BackoffInitialSeconds),
                        BackoffMax = Mathf.Max(Mathf.Max(0.05f, m_BackoffInitialSeconds), m_BackoffMaxSeconds),
                    });
                }
                return m_Supervisor;
            }
        }

        void OnEnable()
        {
            ServerConnection connection;
            try
            {
                m_PlayoutDelay.Validate();
                connection = new ServerConnection(m_Address, m_Token, m_RootCertificates, m_ClientCertificate, m_ClientKey);
            }
            catch (ArgumentException e)
            {
                // A setting that cannot work (a token over plaintext to the LAN, say) never reaches the network.
                Debug.LogError("Talking Together Client: " + e.Message, this);
                Supervisor.Refuse(e.Message);
                return;
            }
            var grpc = new GrpcSettings
            {
                Connection = connection,
                ClientName = m_ClientName,
                KeepAliveInterval = TimeSpan.FromSeconds(Mathf.Max(1f, m_KeepAliveIntervalSeconds)),
                KeepAliveTimeout = TimeSpan.FromSeconds(Mathf.Max(1f, m_KeepAliveTimeoutSeconds)),
            };
            IFrameSource source = m_Microphone != null
                ? (IFrameSource)new AnimateFrameSource(grpc, m_Microphone, m_LayoutPrompt, m_Animator)
                : new SubscribeFrameSource(grpc);
            Supervisor.Start(source);
        }

        void OnDisable()
        {
            // Cancels the stream (its task ends by itself, later: nothing is disposed under it) and
            // puts the feed back to rest, so the avatars leave the last word's pose.
            Supervisor.Stop();
            Report();
        }

        void OnDestroy()
        {
            if (m_Supervisor != null)
                m_Supervisor.Stop();
        }

        void OnApplicationPause(bool paused)
        {
            if (!isActiveAndEnabled || m_Supervisor == null)
                return;
            if (paused)
                m_Supervisor.Pause();
            else
                m_Supervisor.Resume();
            Report();
        }

        void Update()
        {
            var header = Receiver.Update(MonotonicClock.NowSeconds);
            if (header != null && HeaderReceived != null && header.Wire is ServerHeader)
                HeaderReceived((ServerHeader)header.Wire);
            Report();
        }

        /// <summary>Raises <see cref="StatusChanged"/> for a change since the last look.</summary>
        void Report()
        {
            var state = State;
            var error = LastError;
            if (state == m_ReportedState && error == m_ReportedError)
                return;
            var changed = state != m_ReportedState;
            m_ReportedState = state;
            m_ReportedError = error;
            if (changed && StatusChanged != null)
                StatusChanged(state, error);
        }
    }
}
