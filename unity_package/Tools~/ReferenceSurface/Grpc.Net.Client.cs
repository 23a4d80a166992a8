// Reference surface: the public API of Grpc.Net.Client (2.x, grpc/grpc-dotnet src/Grpc.Net.Client:
// GrpcChannel.cs, GrpcChannelOptions.cs) that TalkingTogetherClient uses. Signatures only.
#pragma warning disable 0067, 0649, 1591

using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Grpc.Core;

namespace Grpc.Net.Client
{
    // ConnectAsync and State (client-side load balancing) are left out: their presence depends on
    // the target framework of the Grpc.Net.Client build, and the package does not use them.
    public sealed class GrpcChannel : ChannelBase, IDisposable
    {
        internal GrpcChannel() : base(null) { }
        public static GrpcChannel ForAddress(string address) { throw null; }
        public static GrpcChannel ForAddress(string address, GrpcChannelOptions channelOptions) { throw null; }
        public static GrpcChannel ForAddress(Uri address) { throw null; }
        public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions channelOptions) { throw null; }
        public override CallInvoker CreateCallInvoker() { throw null; }
        public void Dispose() { }
    }

    public sealed class GrpcChannelOptions
    {
        public GrpcChannelOptions() { }
        public ChannelCredentials Credentials { get { throw null; } set { } }
        public int? MaxSendMessageSize { get { throw null; } set { } }
        public int? MaxReceiveMessageSize { get { throw null; } set { } }
        public int? MaxRetryAttempts { get { throw null; } set { } }
        public long? MaxRetryBufferSize { get { throw null; } set { } }
        public long? MaxRetryBufferPerCallSize { get { throw null; } set { } }
        public HttpClient HttpClient { get { throw null; } set { } }
        public HttpMessageHandler HttpHandler { get { throw null; } set { } }
        public bool DisposeHttpClient { get { throw null; } set { } }
        public bool ThrowOperationCanceledOnCancellation { get { throw null; } set { } }
        public bool UnsafeUseInsecureChannelCallCredentials { get { throw null; } set { } }
        public IServiceProvider ServiceProvider { get { throw null; } set { } }
    }
}
