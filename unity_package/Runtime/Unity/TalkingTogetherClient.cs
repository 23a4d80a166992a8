using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Cysharp.Net.Http;
using Grpc.Core;
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
    /// has no HTTP/2 (cleartext h2c to a LAN server included).
    /// </summary>
    [DefaultExecutionOrder(-100)]
    [AddComponentMenu("Talking Together/Talking Together Client")]
    public sealed class TalkingTogetherClient : MonoBehaviour
    {
        [Tooltip("The service's address, e.g. http://192.168.1.20:50051 (h2c) or https://host:port.")]
        [SerializeField] string m_Address = "http://127.0.0.1:50051";
        [Tooltip("Shown in the server's logs.")]
        [SerializeField] string m_ClientName = "unity";
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
            var token = m_Cancel.Token;
            var address = m_Address;
            var backoff = new ReconnectBackoff(m_BackoffInitialSeconds, m_BackoffMaxSeconds);
            Task.Run(() => RunAsync(address, backoff, token));
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

        async Task RunAsync(string address, ReconnectBackoff backoff, CancellationToken token)
        {
            while (!token.IsCancellationRequested)
            {
                try
                {
                    SetState(ConnectionState.Connecting, "");
                    await StreamOnceAsync(address, backoff, token);
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

        async Task StreamOnceAsync(string address, ReconnectBackoff backoff, CancellationToken token)
        {
            var handler = new YetAnotherHttpHandler { Http2Only = true };
            using (var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true }))
            using (var call = new Rpc.TalkingTogetherClient(channel).Subscribe(
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
