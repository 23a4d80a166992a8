using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Cysharp.Net.Http;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using TalkingTogether.V1;
using UnityEngine;
using Rpc = global::TalkingTogether.V1.TalkingTogether;

namespace TalkingTogether.Bridge
{
    /// <summary>Where the connection to the service stands.</summary>
    public enum ConnectionState
    {
        Stopped,
        Connecting,
        Streaming,
        /// <summary>The stream ended or failed; waiting out the backoff before the next attempt.</summary>
        WaitingToReconnect,
    }

    /// <summary>
    /// Joins the service's room session (<c>Subscribe</c>) and hands each avatar the pose to show
    /// this Unity frame. The stream is read on a worker thread so that frame arrival times are
    /// not quantised to the render loop; frames go into Core's <see cref="JitterBuffer"/>, which
    /// the main thread samples once per frame. A stream that ends or fails is retried with
    /// exponential backoff for as long as the component is enabled.
    /// gRPC runs over HTTP/2 through Cysharp's YetAnotherHttpHandler, since Unity's own HTTP stack
    /// has no HTTP/2 (cleartext h2c to a LAN server included). With an https:// address it speaks
    /// TLS, trusting <see cref="RootCertificates"/> (the server's ca.pem) when set; with a
    /// <see cref="Token"/> every call carries <c>authorization: Bearer TOKEN</c>. The checks live in
    /// Core's <see cref="ServerConnection"/>; see docs/security.md for the server side.
    /// </summary>
    [DefaultExecutionOrder(-100)]
    [AddComponentMenu("Talking Together/Talking Together Client")]
    public sealed class TalkingTogetherClient : MonoBehaviour
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
        [SerializeField] float m_BackoffInitialSeconds = 0.5f;
        [SerializeField] float m_BackoffMaxSeconds = 10f;

        /// <summary>Raised on the main thread when <see cref="State"/> changes; the string is the
        /// last error, or empty.</summary>
        public event Action<ConnectionState, string> StatusChanged;

        /// <summary>Raised on the main thread when a new stream's header arrives (layout, names).</summary>
        public event Action<ServerHeader> HeaderReceived;

        readonly object m_Lock = new object();
        readonly Stopwatch m_Clock = Stopwatch.StartNew();
        readonly AnimationFrame m_Incoming = new AnimationFrame();
        readonly AnimationFrame m_Current = new AnimationFrame();
        JitterBuffer m_Buffer;
        ServerHeader m_Header;
        ServerHeader m_PendingHeader;
        Anchor[] m_Anchors = new Anchor[0];
        bool m_HasPose;
        CancellationTokenSource m_Cancel;
        ConnectionState m_State;
        ConnectionState m_ReportedState;
        string m_LastError = "";

        public string Address { get { return m_Address; } set { m_Address = value; } }

        /// <summary>The bearer token (empty: none). Like the other connection settings, a change
        /// applies when the component is next enabled.</summary>
        public string Token { get { return m_Token; } set { m_Token = value; } }

        /// <summary>PEM of the CA to trust for https:// (empty: the built-in public roots).</summary>
        public string RootCertificates { get { return m_RootCertificates; } set { m_RootCertificates = value; } }

        /// <summary>Mutual TLS: this client's certificate and private key, PEM (empty: none).</summary>
        public string ClientCertificate { get { return m_ClientCertificate; } set { m_ClientCertificate = value; } }
        public string ClientKey { get { return m_ClientKey; } set { m_ClientKey = value; } }
        public ConnectionState State { get { lock (m_Lock) return m_State; } }
        public string LastError { get { lock (m_Lock) return m_LastError; } }

        /// <summary>The header of the current stream, or null before the first.</summary>
        public ServerHeader Header { get { return m_Header; } }

        /// <summary>Lost, late and underrun counts since the current stream began.</summary>
        public JitterStats Stats { get { lock (m_Lock) return m_Buffer.Stats; } }

        /// <summary>The playout delay in use now, in seconds.</summary>
        public double PlayoutDelaySeconds { get { lock (m_Lock) return m_Buffer.CurrentDelay; } }

        /// <summary>This Unity frame's pose of participant 0 (A) or 1 (B), in room frame R.
        /// False until the first frame has arrived.</summary>
        public bool TryGetPose(int participant, out ParticipantPose pose)
        {
            pose = m_Current.Participants[participant];
            return m_HasPose;
        }

        /// <summary>The seat of participant 0 or 1 in room frame R, from the stream header.</summary>
        public bool TryGetAnchor(int participant, out Anchor anchor)
        {
            var ok = participant < m_Anchors.Length;
            anchor = ok ? m_Anchors[participant] : default(Anchor);
            return ok;
        }

        double Now { get { return m_Clock.Elapsed.TotalSeconds; } }

        void OnEnable()
        {
            m_Buffer = new JitterBuffer(25, m_PlayoutDelay);
            m_Cancel = new CancellationTokenSource();
            ServerConnection connection;
            try
            {
                connection = new ServerConnection(m_Address, m_Token, m_RootCertificates, m_ClientCertificate, m_ClientKey);
            }
            catch (ArgumentException e)
            {
                // A setting that cannot work (a token over plaintext to the LAN, say) never reaches the network.
                UnityEngine.Debug.LogError("Talking Together Client: " + e.Message, this);
                SetState(ConnectionState.Stopped, e.Message);
                return;
            }
            var token = m_Cancel.Token;
            var backoff = new ReconnectBackoff(m_BackoffInitialSeconds, m_BackoffMaxSeconds);
            Task.Run(() => RunAsync(connection, backoff, token));
        }

        void OnDisable()
        {
            m_Cancel.Cancel();
            m_Cancel.Dispose();
            m_HasPose = false;
            SetState(ConnectionState.Stopped, "");
            Update();
        }

        void Update()
        {
            ServerHeader header;
            ConnectionState state;
            string error;
            lock (m_Lock)
            {
                header = m_PendingHeader;
                m_PendingHeader = null;
                if (m_Buffer.Sample(Now, m_Current))
                    m_HasPose = true;
                state = m_State;
                error = m_LastError;
            }
            if (header != null)
            {
                m_Header = header;
                m_Anchors = new Anchor[header.Layout == null ? 0 : header.Layout.Anchors.Count];
                for (var i = 0; i < m_Anchors.Length; i++)
                    m_Anchors[i] = header.Layout.Anchors[i].ToCore();
                if (HeaderReceived != null)
                    HeaderReceived(header);
            }
            if (state != m_ReportedState)
            {
                m_ReportedState = state;
                if (StatusChanged != null)
                    StatusChanged(state, error);
            }
        }

        async Task RunAsync(ServerConnection connection, ReconnectBackoff backoff, CancellationToken token)
        {
            while (!token.IsCancellationRequested)
            {
                try
                {
                    SetState(ConnectionState.Connecting, "");
                    await StreamOnceAsync(connection, backoff, token);
                    SetState(ConnectionState.WaitingToReconnect, "the server ended the stream");
                }
                catch (Exception e) when (!token.IsCancellationRequested)
                {
                    var rpc = e as RpcException;
                    SetState(ConnectionState.WaitingToReconnect, rpc != null ? rpc.Status.ToString() : e.Message);
                }
                catch (Exception)
                {
                    return; // cancelled: the component was disabled
                }
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(backoff.NextDelay()), token);
                }
                catch (TaskCanceledException)
                {
                    return;
                }
            }
        }

        /// <summary>The HTTP/2 handler for <paramref name="connection"/>: TLS trust from its PEMs.</summary>
        static YetAnotherHttpHandler CreateHandler(ServerConnection connection)
        {
            var handler = new YetAnotherHttpHandler { Http2Only = true };
            if (connection.RootCertificatesPem != null)
                handler.RootCertificates = connection.RootCertificatesPem;
            if (connection.ClientCertificatePem != null)
            {
                handler.ClientAuthCertificates = connection.ClientCertificatePem;
                handler.ClientAuthKey = connection.ClientKeyPem;
            }
            return handler;
        }

        /// <summary>Every call made through this invoker carries the token.</summary>
        static CallInvoker Authorized(GrpcChannel channel, ServerConnection connection)
        {
            var invoker = channel.CreateCallInvoker();
            if (connection.AuthorizationValue == null)
                return invoker;
            return invoker.Intercept(metadata =>
            {
                metadata = metadata ?? new Metadata();
                metadata.Add(ServerConnection.AuthorizationKey, connection.AuthorizationValue);
                return metadata;
            });
        }

        async Task StreamOnceAsync(ServerConnection connection, ReconnectBackoff backoff, CancellationToken token)
        {
            var options = new GrpcChannelOptions { HttpHandler = CreateHandler(connection), DisposeHttpClient = true };
            using (var channel = GrpcChannel.ForAddress(connection.Address, options))
            using (var call = new Rpc.TalkingTogetherClient(Authorized(channel, connection)).Subscribe(
                       new SubscribeRequest { ClientName = m_ClientName }, cancellationToken: token))
            {
                var layout = ExpressionLayout.Contract;
                while (await call.ResponseStream.MoveNext(token))
                {
                    var response = call.ResponseStream.Current;
                    switch (response.PayloadCase)
                    {
                        case AnimateResponse.PayloadOneofCase.Header:
                            layout = new ExpressionLayout(response.Header.ExpressionNames);
                            lock (m_Lock)
                            {
                                // Sequence numbers restart with every stream, and the rate comes from the header.
                                m_Buffer = new JitterBuffer(response.Header.Fps > 0 ? (int)response.Header.Fps : 25, m_PlayoutDelay);
                                m_PendingHeader = response.Header;
                            }
                            backoff.Reset();
                            SetState(ConnectionState.Streaming, "");
                            break;
                        case AnimateResponse.PayloadOneofCase.Frame:
                            response.Frame.CopyTo(layout, m_Incoming);
                            lock (m_Lock)
                                m_Buffer.Push(m_Incoming, Now);
                            break;
                        case AnimateResponse.PayloadOneofCase.Status:
                            if (response.Status.Code != 0)
                                throw new InvalidOperationException("server status " + response.Status.Code + ": " + response.Status.Message);
                            return;
                    }
                }
            }
        }

        void SetState(ConnectionState state, string error)
        {
            lock (m_Lock)
            {
                m_State = state;
                m_LastError = error;
            }
        }
    }
}
