// Reference surface: Cysharp's YetAnotherHttpHandler (1.x, Cysharp/YetAnotherHttpHandler
// src/YetAnotherHttpHandler/YetAnotherHttpHandler.cs and its README's configuration table):
// the handler class and its settings. Signatures only. In Unity it is a UPM package whose
// assembly definition is named Cysharp.Net.Http.YetAnotherHttpHandler (the name an asmdef
// must list in "references"; the package's own Unity test asmdef lists it so).
#pragma warning disable 0067, 0649, 1591

using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Cysharp.Net.Http
{
    public class YetAnotherHttpHandler : HttpMessageHandler
    {
        public YetAnotherHttpHandler() { }
        public TimeSpan? PoolIdleTimeout { get { throw null; } set { } }
        public ulong? MaxIdlePerHost { get { throw null; } set { } }
        public bool? Http2Only { get { throw null; } set { } }
        public bool? SkipCertificateVerification { get { throw null; } set { } }
        public string RootCertificates { get { throw null; } set { } }
        public string OverrideServerName { get { throw null; } set { } }
        public string ClientAuthCertificates { get { throw null; } set { } }
        public string ClientAuthKey { get { throw null; } set { } }
        public uint? Http2InitialStreamWindowSize { get { throw null; } set { } }
        public uint? Http2InitialConnectionWindowSize { get { throw null; } set { } }
        public bool? Http2AdaptiveWindow { get { throw null; } set { } }
        public uint? Http2MaxFrameSize { get { throw null; } set { } }
        public TimeSpan? Http2KeepAliveInterval { get { throw null; } set { } }
        public TimeSpan? Http2KeepAliveTimeout { get { throw null; } set { } }
        public bool? Http2KeepAliveWhileIdle { get { throw null; } set { } }
        public ulong? Http2MaxConcurrentResetStreams { get { throw null; } set { } }
        public ulong? Http2MaxSendBufferSize { get { throw null; } set { } }
        public ulong? Http2InitialMaxSendStreams { get { throw null; } set { } }
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) { throw null; }
        protected override void Dispose(bool disposing) { }
    }
}
