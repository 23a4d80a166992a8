// Reference surface: the public API of Grpc.Core.Api (2.x, grpc/grpc-dotnet src/Grpc.Core.Api)
// that the generated client stub and TalkingTogetherClient use. Signatures only. Debian ships no
// gRPC CIL assembly (`apt-cache search grpc` lists C++, Go, Java, Python and Ruby only).
#pragma warning disable 0067, 0649, 1591

using System;
using System.Collections;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Grpc.Core
{
    public enum MethodType { Unary, ClientStreaming, ServerStreaming, DuplexStreaming }

    public interface IMethod
    {
        MethodType Type { get; }
        string ServiceName { get; }
        string Name { get; }
        string FullName { get; }
    }

    public class Method<TRequest, TResponse> : IMethod
    {
        public Method(MethodType type, string serviceName, string name,
                      Marshaller<TRequest> requestMarshaller, Marshaller<TResponse> responseMarshaller) { }
        public MethodType Type { get { throw null; } }
        public string ServiceName { get { throw null; } }
        public string Name { get { throw null; } }
        public string FullName { get { throw null; } }
        public Marshaller<TRequest> RequestMarshaller { get { throw null; } }
        public Marshaller<TResponse> ResponseMarshaller { get { throw null; } }
    }

    public class Marshaller<T>
    {
        public Marshaller(Func<T, byte[]> serializer, Func<byte[], T> deserializer) { }
        public Func<T, byte[]> Serializer { get { throw null; } }
        public Func<byte[], T> Deserializer { get { throw null; } }
    }

    public static class Marshallers
    {
        public static Marshaller<T> Create<T>(Func<T, byte[]> serializer, Func<byte[], T> deserializer) { throw null; }
        public static Marshaller<string> StringMarshaller { get { throw null; } }
    }

    public sealed class Metadata : IList<Metadata.Entry>
    {
        public const string BinaryHeaderSuffix = "-bin";
        public static readonly Metadata Empty = new Metadata();
        public Metadata() { }
        public Entry Get(string key) { throw null; }
        public string GetValue(string key) { throw null; }
        public byte[] GetValueBytes(string key) { throw null; }
        public IEnumerable<Entry> GetAll(string key) { throw null; }
        public void Add(string key, string value) { }
        public void Add(string key, byte[] valueBytes) { }
        public int IndexOf(Entry item) { throw null; }
        public void Insert(int index, Entry item) { }
        public void RemoveAt(int index) { }
        public Entry this[int index] { get { throw null; } set { } }
        public void Add(Entry item) { }
        public void Clear() { }
        public bool Contains(Entry item) { throw null; }
        public void CopyTo(Entry[] array, int arrayIndex) { }
        public int Count { get { throw null; } }
        public bool IsReadOnly { get { throw null; } }
        public bool Remove(Entry item) { throw null; }
        public IEnumerator<Entry> GetEnumerator() { throw null; }
        IEnumerator IEnumerable.GetEnumerator() { throw null; }

        public class Entry
        {
            public Entry(string key, byte[] valueBytes) { }
            public Entry(string key, string value) { }
            public string Key { get { throw null; } }
            public byte[] ValueBytes { get { throw null; } }
            public string Value { get { throw null; } }
            public bool IsBinary { get { throw null; } }
        }
    }

    public enum StatusCode
    {
        OK = 0, Cancelled = 1, Unknown = 2, InvalidArgument = 3, DeadlineExceeded = 4, NotFound = 5,
        AlreadyExists = 6, PermissionDenied = 7, Unauthenticated = 16, ResourceExhausted = 8,
        FailedPrecondition = 9, Aborted = 10, OutOfRange = 11, Unimplemented = 12, Internal = 13,
        Unavailable = 14, DataLoss = 15,
    }

    public struct Status
    {
        public static readonly Status DefaultSuccess;
        public static readonly Status DefaultCancelled;
        public Status(StatusCode statusCode, string detail) { throw null; }
        public Status(StatusCode statusCode, string detail, Exception debugException) { throw null; }
        public StatusCode StatusCode { get { throw null; } }
        public string Detail { get { throw null; } }
        public Exception DebugException { get { throw null; } }
        public override string ToString() { throw null; }
    }

    public class RpcException : Exception
    {
        public RpcException(Status status) { }
        public RpcException(Status status, string message) { }
        public RpcException(Status status, Metadata trailers) { }
        public RpcException(Status status, Metadata trailers, string message) { }
        public Status Status { get { throw null; } }
        public StatusCode StatusCode { get { throw null; } }
        public Metadata Trailers { get { throw null; } }
    }

    public sealed class WriteOptions
    {
        public WriteOptions() { }
    }

    public sealed class ContextPropagationToken { }

    public abstract class CallCredentials { }

    public abstract class ChannelCredentials
    {
        public static ChannelCredentials Insecure { get { throw null; } }
        public static ChannelCredentials SecureSsl { get { throw null; } }
    }

    public struct CallOptions
    {
        public CallOptions(Metadata headers = null, DateTime? deadline = null,
                           CancellationToken cancellationToken = default(CancellationToken),
                           WriteOptions writeOptions = null, ContextPropagationToken propagationToken = null,
                           CallCredentials credentials = null) { throw null; }
        public Metadata Headers { get { throw null; } }
        public DateTime? Deadline { get { throw null; } }
        public CancellationToken CancellationToken { get { throw null; } }
        public WriteOptions WriteOptions { get { throw null; } }
        public ContextPropagationToken PropagationToken { get { throw null; } }
        public CallCredentials Credentials { get { throw null; } }
        public bool IsWaitForReady { get { throw null; } }
        public CallOptions WithHeaders(Metadata headers) { throw null; }
        public CallOptions WithDeadline(DateTime deadline) { throw null; }
        public CallOptions WithCancellationToken(CancellationToken cancellationToken) { throw null; }
        public CallOptions WithWaitForReady(bool waitForReady = true) { throw null; }
    }

    public interface IAsyncStreamReader<out T>
    {
        T Current { get; }
        Task<bool> MoveNext(CancellationToken cancellationToken);
    }

    public interface IAsyncStreamWriter<in T>
    {
        Task WriteAsync(T message);
        WriteOptions WriteOptions { get; set; }
    }

    public interface IClientStreamWriter<in T> : IAsyncStreamWriter<T>
    {
        Task CompleteAsync();
    }

    public static class AsyncStreamReaderExtensions
    {
        public static Task<bool> MoveNext<T>(this IAsyncStreamReader<T> streamReader) where T : class { throw null; }
    }

    public sealed class AsyncUnaryCall<TResponse> : IDisposable
    {
        public Task<TResponse> ResponseAsync { get { throw null; } }
        public Task<Metadata> ResponseHeadersAsync { get { throw null; } }
        public System.Runtime.CompilerServices.TaskAwaiter<TResponse> GetAwaiter() { throw null; }
        public System.Runtime.CompilerServices.ConfiguredTaskAwaitable<TResponse> ConfigureAwait(bool continueOnCapturedContext) { throw null; }
        public Status GetStatus() { throw null; }
        public Metadata GetTrailers() { throw null; }
        public void Dispose() { }
    }

    public sealed class AsyncServerStreamingCall<TResponse> : IDisposable
    {
        public AsyncServerStreamingCall(IAsyncStreamReader<TResponse> responseStream, Task<Metadata> responseHeadersAsync,
                                        Func<Status> getStatusFunc, Func<Metadata> getTrailersFunc, Action disposeAction) { }
        public IAsyncStreamReader<TResponse> ResponseStream { get { throw null; } }
        public Task<Metadata> ResponseHeadersAsync { get { throw null; } }
        public Status GetStatus() { throw null; }
        public Metadata GetTrailers() { throw null; }
        public void Dispose() { }
    }

    public sealed class AsyncClientStreamingCall<TRequest, TResponse> : IDisposable
    {
        public Task<TResponse> ResponseAsync { get { throw null; } }
        public Task<Metadata> ResponseHeadersAsync { get { throw null; } }
        public IClientStreamWriter<TRequest> RequestStream { get { throw null; } }
        public Status GetStatus() { throw null; }
        public Metadata GetTrailers() { throw null; }
        public void Dispose() { }
    }

    public sealed class AsyncDuplexStreamingCall<TRequest, TResponse> : IDisposable
    {
        public IAsyncStreamReader<TResponse> ResponseStream { get { throw null; } }
        public IClientStreamWriter<TRequest> RequestStream { get { throw null; } }
        public Task<Metadata> ResponseHeadersAsync { get { throw null; } }
        public Status GetStatus() { throw null; }
        public Metadata GetTrailers() { throw null; }
        public void Dispose() { }
    }

    public abstract class CallInvoker
    {
        public abstract TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string host, CallOptions options, TRequest request)
            where TRequest : class where TResponse : class;
        public abstract AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string host, CallOptions options, TRequest request)
            where TRequest : class where TResponse : class;
        public abstract AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string host, CallOptions options, TRequest request)
            where TRequest : class where TResponse : class;
        public abstract AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string host, CallOptions options)
            where TRequest : class where TResponse : class;
        public abstract AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string host, CallOptions options)
            where TRequest : class where TResponse : class;
    }

    public abstract class ChannelBase
    {
        protected ChannelBase(string target) { }
        public string Target { get { throw null; } }
        public abstract CallInvoker CreateCallInvoker();
        public Task ShutdownAsync() { throw null; }
    }

    public abstract class ClientBase
    {
        protected ClientBase() { }
        protected ClientBase(ClientBaseConfiguration configuration) { }
        public ClientBase(ChannelBase channel) { }
        public ClientBase(CallInvoker callInvoker) { }
        protected CallInvoker CallInvoker { get { throw null; } }

        protected internal class ClientBaseConfiguration
        {
            internal ClientBaseConfiguration() { }
        }
    }

    public abstract class ClientBase<T> : ClientBase where T : ClientBase<T>
    {
        protected ClientBase() { }
        protected ClientBase(ClientBaseConfiguration configuration) { }
        public ClientBase(ChannelBase channel) { }
        public ClientBase(CallInvoker callInvoker) { }
        public T WithHost(string host) { throw null; }
        protected abstract T NewInstance(ClientBaseConfiguration configuration);
    }
}

namespace Grpc.Core.Interceptors
{
    using Grpc.Core;

    public abstract class Interceptor
    {
        protected Interceptor() { }
    }

    public static class CallInvokerExtensions
    {
        public static CallInvoker Intercept(this CallInvoker invoker, Interceptor interceptor) { throw null; }
        public static CallInvoker Intercept(this CallInvoker invoker, params Interceptor[] interceptors) { throw null; }
        public static CallInvoker Intercept(this CallInvoker invoker, Func<Metadata, Metadata> interceptor) { throw null; }
    }

    public static class ChannelExtensions
    {
        public static CallInvoker Intercept(this ChannelBase channel, Interceptor interceptor) { throw null; }
        public static CallInvoker Intercept(this ChannelBase channel, Func<Metadata, Metadata> interceptor) { throw null; }
    }
}
