using System;
using System.Threading;
using System.Threading.Tasks;
using Cysharp.Net.Http;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using TalkingTogether.V1;

namespace TalkingTogether.Bridge
{
    /// <summary>How the gRPC sources connect: where, with what trust, and HTTP/2 keepalive.</summary>
    public sealed class GrpcSettings
    {
        public ServerConnection Connection;
        public string ClientName = "unity";
        /// <summary>HTTP/2 PING interval: a dead link is noticed by the transport too, not only by
        /// the supervisor's watchdog.</summary>
        public TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(10);
        /// <summary>A PING not acknowledged within this closes the connection.</summary>
        public TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(5);
    }

    /// <summary>An <c>AnimateResponse</c> as the client reads it: one reused instance per call.</summary>
    public sealed class WireResponse
    {
        public WireFrameReader.Payload Kind;
        /// <summary>For <see cref="WireFrameReader.Payload.Frame"/>: reused for every frame.</summary>
        public readonly AnimationFrame Frame = new AnimationFrame();
        public ServerHeader Header;
        public FinalStatus Status;
    }

    /// <summary>
    /// The response marshaller of one call: frames are read from their bytes by Core's
    /// <see cref="WireFrameReader"/> into a reused <see cref="WireResponse"/>, so the network
    /// thread allocates no message tree per frame (the generated marshaller built about 20
    /// objects a frame). What is left per frame is the payload array that Grpc.Core.Api's byte[]
    /// marshallers hand over. The reuse is safe because grpc-dotnet deserializes a message in
    /// MoveNext and the reading loop is done with it before the next MoveNext.
    /// </summary>
    sealed class WireResponseReader
    {
        readonly WireFrameReader m_Reader = new WireFrameReader();
        readonly WireResponse m_Response = new WireResponse();

        public WireResponse Parse(byte[] bytes)
        {
            int offset, length;
            m_Response.Kind = m_Reader.Read(bytes, 0, bytes.Length, m_Response.Frame, out offset, out length);
            switch (m_Response.Kind)
            {
                case WireFrameReader.Payload.Header:
                    m_Response.Header = (ServerHeader)ServerHeader.Parser.ParseFrom(bytes, offset, length);
                    m_Reader.Layout = new ExpressionLayout(m_Response.Header.ExpressionNames);
                    break;
                case WireFrameReader.Payload.Status:
                    m_Response.Status = (FinalStatus)FinalStatus.Parser.ParseFrom(bytes, offset, length);
                    break;
            }
            return m_Response;
        }
    }

    /// <summary>gRPC over HTTP/2 through Cysharp's YetAnotherHttpHandler (Unity's own HTTP stack
    /// has no HTTP/2): channel, trust, token and the two calls the client makes.</summary>
    static class GrpcTransport
    {
        const string Service = "talking_together.v1.TalkingTogether";

        static readonly Marshaller<SubscribeRequest> s_SubscribeRequest =
            Marshallers.Create<SubscribeRequest>(r => r.ToByteArray(), b => (SubscribeRequest)SubscribeRequest.Parser.ParseFrom(b));
        static readonly Marshaller<AnimateRequest> s_AnimateRequest =
            Marshallers.Create<AnimateRequest>(r => r.ToByteArray(), b => (AnimateRequest)AnimateRequest.Parser.ParseFrom(b));

        /// <summary>Subscribe, answered through <paramref name="reader"/>; a method per call
        /// because the marshaller holds the call's reused response.</summary>
        public static Method<SubscribeRequest, WireResponse> Subscribe(WireResponseReader reader)
        {
            return new Method<SubscribeRequest, WireResponse>(MethodType.ServerStreaming, Service, "Subscribe",
                s_SubscribeRequest, Responses(reader));
        }

        public static Method<AnimateRequest, WireResponse> Animate(WireResponseReader reader)
        {
            return new Method<AnimateRequest, WireResponse>(MethodType.DuplexStreaming, Service, "Animate",
                s_AnimateRequest, Responses(reader));
        }

        static Marshaller<WireResponse> Responses(WireResponseReader reader)
        {
            return Marshallers.Create<WireResponse>(
                r => { throw new NotSupportedException("responses are never sent by the client"); },
                reader.Parse);
        }

        /// <summary>The HTTP/2 handler: TLS trust from the connection's PEMs, keepalive PINGs.</summary>
        public static YetAnotherHttpHandler Handler(GrpcSettings settings)
        {
            var connection = settings.Connection;
            var handler = new YetAnotherHttpHandler
            {
                Http2Only = true,
                Http2KeepAliveInterval = settings.KeepAliveInterval,
                Http2KeepAliveTimeout = settings.KeepAliveTimeout,
                Http2KeepAliveWhileIdle = true,
            };
            if (connection.RootCertificatesPem != null)
                handler.RootCertificates = connection.RootCertificatesPem;
            if (connection.ClientCertificatePem != null)
            {
                handler.ClientAuthCertificates = connection.ClientCertificatePem;
                handler.ClientAuthKey = connection.ClientKeyPem;
            }
            return handler;
        }

        public static GrpcChannel Channel(GrpcSettings settings)
        {
            var options = new GrpcChannelOptions { HttpHandler = Handler(settings), DisposeHttpClient = true };
            return GrpcChannel.ForAddress(settings.Connection.Address, options);
        }

        /// <summary>Every call made through this invoker carries the token.</summary>
        public static CallInvoker Invoker(GrpcChannel channel, ServerConnection connection)
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

        /// <summary>Hands one response to the sink; false once the stream's final status came.</summary>
        public static bool Dispatch(WireResponse response, IFrameSink sink)
        {
            switch (response.Kind)
            {
                case WireFrameReader.Payload.Header:
                    sink.OnHeader(response.Header.ToCore());
                    return true;
                case WireFrameReader.Payload.Frame:
                    sink.OnFrame(response.Frame);
                    return true;
                case WireFrameReader.Payload.Status:
                    if (response.Status.Code != 0)
                        throw new InvalidOperationException("server status " + response.Status.Code + ": " + response.Status.Message);
                    return false;
                default:
                    return true;
            }
        }
    }

    /// <summary>Joins the server's room session: <c>Subscribe</c>.</summary>
    public sealed class SubscribeFrameSource : IFrameSource
    {
        readonly GrpcSettings m_Settings;

        public SubscribeFrameSource(GrpcSettings settings)
        {
            m_Settings = settings;
        }

        public async Task RunAsync(IFrameSink sink, CancellationToken cancellationToken)
        {
            var reader = new WireResponseReader();
            using (var channel = GrpcTransport.Channel(m_Settings))
            {
                var invoker = GrpcTransport.Invoker(channel, m_Settings.Connection);
                var request = new SubscribeRequest { ClientName = m_Settings.ClientName ?? "" };
                using (var call = invoker.AsyncServerStreamingCall(GrpcTransport.Subscribe(reader), null,
                           new CallOptions(cancellationToken: cancellationToken), request))
                {
                    while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                        if (!GrpcTransport.Dispatch(call.ResponseStream.Current, sink))
                            return;
                }
            }
        }
    }

    /// <summary>Animates this device's own microphone: <c>Animate</c>, fed by a
    /// <see cref="HeadsetMicrophone"/>, for a visitor who joins from elsewhere.</summary>
    public sealed class AnimateFrameSource : IFrameSource
    {
        readonly GrpcSettings m_Settings;
        readonly HeadsetMicrophone m_Microphone;
        readonly string m_LayoutPrompt;
        readonly string m_Animator;

        public AnimateFrameSource(GrpcSettings settings, HeadsetMicrophone microphone, string layoutPrompt, string animator)
        {
            if (microphone == null)
                throw new ArgumentNullException("microphone");
            m_Settings = settings;
            m_Microphone = microphone;
            m_LayoutPrompt = layoutPrompt ?? "";
            m_Animator = animator ?? "";
        }

        public async Task RunAsync(IFrameSink sink, CancellationToken cancellationToken)
        {
            var reader = new WireResponseReader();
            m_Microphone.BeginStream(); // only fresh audio goes to a new stream
            using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            using (var channel = GrpcTransport.Channel(m_Settings))
            {
                var invoker = GrpcTransport.Invoker(channel, m_Settings.Connection);
                using (var call = invoker.AsyncDuplexStreamingCall(GrpcTransport.Animate(reader), null,
                           new CallOptions(cancellationToken: stop.Token)))
                {
                    await call.RequestStream.WriteAsync(new AnimateRequest
                    {
                        Header = new ClientHeader
                        {
                            AudioFormat = new AudioFormat
                            {
                                SampleRateHz = (uint)m_Microphone.OutputRate,
                                ChannelCount = 1,
                                Encoding = AudioEncoding.Pcm16,
                            },
                            Layout = m_LayoutPrompt.Length > 0 ? new LayoutSpec { Prompt = m_LayoutPrompt } : new LayoutSpec(),
                            Options = new AnimateOptions { Animator = m_Animator },
                        },
                    }).ConfigureAwait(false);
                    var sending = SendAudioAsync(call.RequestStream, stop.Token);
                    try
                    {
                        while (await call.ResponseStream.MoveNext(stop.Token).ConfigureAwait(false))
                            if (!GrpcTransport.Dispatch(call.ResponseStream.Current, sink))
                                return;
                    }
                    finally
                    {
                        stop.Cancel();
                        try
                        {
                            await sending.ConfigureAwait(false);
                        }
                        catch (Exception)
                        {
                            // the reading side's outcome is the attempt's outcome
                        }
                    }
                }
            }
        }

        async Task SendAudioAsync(IClientStreamWriter<AnimateRequest> writer, CancellationToken token)
        {
            while (!token.IsCancellationRequested)
            {
                byte[] pcm;
                long captureNs;
                while (m_Microphone.TryDequeue(out pcm, out captureNs))
                {
                    await writer.WriteAsync(new AnimateRequest
                    {
                        Audio = new AudioChunk { Data = ByteString.CopyFrom(pcm), ClientCaptureTimeNs = captureNs },
                    }).ConfigureAwait(false);
                }
                await Task.Delay(10, token).ConfigureAwait(false); // the microphone fills once per Unity frame
            }
        }
    }
}
