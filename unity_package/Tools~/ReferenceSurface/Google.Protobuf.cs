// Reference surface: the public API of Google.Protobuf (3.21+, protocolbuffers/protobuf
// csharp/src/Google.Protobuf) that protoc 3.21's generated C# in Runtime/Generated calls, plus
// MessageExtensions and MessageParser members a hand-written caller reaches. Signatures only.
// Debian ships no Google.Protobuf CIL assembly (`apt-cache search cil protobuf` finds none),
// hence this surface. ParseContext and WriteContext are ref structs in the real library; here
// they are plain structs, which the generated code (it only passes them by ref) cannot tell apart.
#pragma warning disable 0067, 0649, 1591

using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using Google.Protobuf.Reflection;

namespace Google.Protobuf
{
    public interface IMessage
    {
        void MergeFrom(CodedInputStream input);
        void WriteTo(CodedOutputStream output);
        int CalculateSize();
        MessageDescriptor Descriptor { get; }
    }

    public interface IDeepCloneable<T>
    {
        T Clone();
    }

    public interface IMessage<T> : IMessage, IEquatable<T>, IDeepCloneable<T> where T : IMessage<T>
    {
        void MergeFrom(T message);
    }

    public interface IBufferMessage : IMessage
    {
        void InternalMergeFrom(ref ParseContext ctx);
        void InternalWriteTo(ref WriteContext ctx);
    }

    public struct ParseContext
    {
        public uint ReadTag() { throw null; }
        public double ReadDouble() { throw null; }
        public float ReadFloat() { throw null; }
        public ulong ReadUInt64() { throw null; }
        public long ReadInt64() { throw null; }
        public int ReadInt32() { throw null; }
        public ulong ReadFixed64() { throw null; }
        public uint ReadFixed32() { throw null; }
        public bool ReadBool() { throw null; }
        public string ReadString() { throw null; }
        public void ReadMessage(IMessage message) { }
        public void ReadGroup(IMessage message) { }
        public ByteString ReadBytes() { throw null; }
        public uint ReadUInt32() { throw null; }
        public int ReadEnum() { throw null; }
        public int ReadSFixed32() { throw null; }
        public long ReadSFixed64() { throw null; }
        public int ReadSInt32() { throw null; }
        public long ReadSInt64() { throw null; }
        public int ReadLength() { throw null; }
    }

    public struct WriteContext
    {
        public void WriteDouble(double value) { }
        public void WriteFloat(float value) { }
        public void WriteUInt64(ulong value) { }
        public void WriteInt64(long value) { }
        public void WriteInt32(int value) { }
        public void WriteFixed64(ulong value) { }
        public void WriteFixed32(uint value) { }
        public void WriteBool(bool value) { }
        public void WriteString(string value) { }
        public void WriteMessage(IMessage value) { }
        public void WriteGroup(IMessage value) { }
        public void WriteBytes(ByteString value) { }
        public void WriteUInt32(uint value) { }
        public void WriteEnum(int value) { }
        public void WriteSFixed32(int value) { }
        public void WriteSFixed64(long value) { }
        public void WriteSInt32(int value) { }
        public void WriteSInt64(long value) { }
        public void WriteLength(int length) { }
        public void WriteTag(int fieldNumber, WireFormat.WireType type) { }
        public void WriteTag(uint tag) { }
        public void WriteRawTag(byte b1) { }
        public void WriteRawTag(byte b1, byte b2) { }
        public void WriteRawTag(byte b1, byte b2, byte b3) { }
        public void WriteRawTag(byte b1, byte b2, byte b3, byte b4) { }
        public void WriteRawTag(byte b1, byte b2, byte b3, byte b4, byte b5) { }
    }

    public static class WireFormat
    {
        public enum WireType : uint
        {
            Varint = 0, Fixed64 = 1, LengthDelimited = 2, StartGroup = 3, EndGroup = 4, Fixed32 = 5,
        }
    }

    public sealed class CodedInputStream : IDisposable
    {
        public CodedInputStream(byte[] buffer) { }
        public CodedInputStream(byte[] buffer, int offset, int length) { }
        public CodedInputStream(Stream input) { }
        public CodedInputStream(Stream input, bool leaveOpen) { }
        public long Position { get { throw null; } }
        public bool IsAtEnd { get { throw null; } }
        public void Dispose() { }
        public uint ReadTag() { throw null; }
        public void SkipLastField() { }
        public double ReadDouble() { throw null; }
        public float ReadFloat() { throw null; }
        public ulong ReadUInt64() { throw null; }
        public long ReadInt64() { throw null; }
        public int ReadInt32() { throw null; }
        public ulong ReadFixed64() { throw null; }
        public uint ReadFixed32() { throw null; }
        public bool ReadBool() { throw null; }
        public string ReadString() { throw null; }
        public void ReadMessage(IMessage builder) { }
        public void ReadGroup(IMessage builder) { }
        public ByteString ReadBytes() { throw null; }
        public uint ReadUInt32() { throw null; }
        public int ReadEnum() { throw null; }
        public int ReadSFixed32() { throw null; }
        public long ReadSFixed64() { throw null; }
        public int ReadSInt32() { throw null; }
        public long ReadSInt64() { throw null; }
        public int ReadLength() { throw null; }
        public void ReadRawMessage(IMessage message) { }
    }

    public sealed partial class CodedOutputStream : IDisposable
    {
        public CodedOutputStream(byte[] flatArray) { }
        public CodedOutputStream(Stream output) { }
        public CodedOutputStream(Stream output, bool leaveOpen) { }
        public long Position { get { throw null; } }
        public int SpaceLeft { get { throw null; } }
        public void Dispose() { }
        public void Flush() { }
        public void CheckNoSpaceLeft() { }
        public void WriteDouble(double value) { }
        public void WriteFloat(float value) { }
        public void WriteUInt64(ulong value) { }
        public void WriteInt64(long value) { }
        public void WriteInt32(int value) { }
        public void WriteFixed64(ulong value) { }
        public void WriteFixed32(uint value) { }
        public void WriteBool(bool value) { }
        public void WriteString(string value) { }
        public void WriteMessage(IMessage value) { }
        public void WriteRawMessage(IMessage value) { }
        public void WriteGroup(IMessage value) { }
        public void WriteBytes(ByteString value) { }
        public void WriteUInt32(uint value) { }
        public void WriteEnum(int value) { }
        public void WriteSFixed32(int value) { }
        public void WriteSFixed64(long value) { }
        public void WriteSInt32(int value) { }
        public void WriteSInt64(long value) { }
        public void WriteLength(int length) { }
        public void WriteTag(int fieldNumber, WireFormat.WireType type) { }
        public void WriteTag(uint tag) { }
        public void WriteRawTag(byte b1) { }
        public void WriteRawTag(byte b1, byte b2) { }
        public void WriteRawTag(byte b1, byte b2, byte b3) { }
        public void WriteRawTag(byte b1, byte b2, byte b3, byte b4) { }
        public void WriteRawTag(byte b1, byte b2, byte b3, byte b4, byte b5) { }

        public static int ComputeDoubleSize(double value) { throw null; }
        public static int ComputeFloatSize(float value) { throw null; }
        public static int ComputeUInt64Size(ulong value) { throw null; }
        public static int ComputeInt64Size(long value) { throw null; }
        public static int ComputeInt32Size(int value) { throw null; }
        public static int ComputeFixed64Size(ulong value) { throw null; }
        public static int ComputeFixed32Size(uint value) { throw null; }
        public static int ComputeBoolSize(bool value) { throw null; }
        public static int ComputeStringSize(string value) { throw null; }
        public static int ComputeGroupSize(IMessage value) { throw null; }
        public static int ComputeMessageSize(IMessage value) { throw null; }
        public static int ComputeBytesSize(ByteString value) { throw null; }
        public static int ComputeUInt32Size(uint value) { throw null; }
        public static int ComputeEnumSize(int value) { throw null; }
        public static int ComputeSFixed32Size(int value) { throw null; }
        public static int ComputeSFixed64Size(long value) { throw null; }
        public static int ComputeSInt32Size(int value) { throw null; }
        public static int ComputeSInt64Size(long value) { throw null; }
        public static int ComputeLengthSize(int length) { throw null; }
        public static int ComputeRawVarint32Size(uint value) { throw null; }
        public static int ComputeRawVarint64Size(ulong value) { throw null; }
        public static int ComputeTagSize(int fieldNumber) { throw null; }
    }

    public sealed class ByteString : IEnumerable<byte>, IEquatable<ByteString>
    {
        public static ByteString Empty { get { throw null; } }
        public int Length { get { throw null; } }
        public bool IsEmpty { get { throw null; } }
        public byte this[int index] { get { throw null; } }
        public byte[] ToByteArray() { throw null; }
        public string ToBase64() { throw null; }
        public string ToStringUtf8() { throw null; }
        public static ByteString CopyFrom(params byte[] bytes) { throw null; }
        public static ByteString CopyFrom(byte[] bytes, int offset, int count) { throw null; }
        public static ByteString CopyFromUtf8(string text) { throw null; }
        public static ByteString FromBase64(string bytes) { throw null; }
        public void CopyTo(byte[] array, int position) { }
        public void WriteTo(Stream outputStream) { }
        public static bool operator ==(ByteString lhs, ByteString rhs) { throw null; }
        public static bool operator !=(ByteString lhs, ByteString rhs) { throw null; }
        public bool Equals(ByteString other) { throw null; }
        public override bool Equals(object obj) { throw null; }
        public override int GetHashCode() { throw null; }
        public IEnumerator<byte> GetEnumerator() { throw null; }
        IEnumerator IEnumerable.GetEnumerator() { throw null; }
    }

    public sealed class UnknownFieldSet
    {
        public int CalculateSize() { throw null; }
        public void WriteTo(CodedOutputStream output) { }
        public void WriteTo(ref WriteContext ctx) { }
        public override bool Equals(object other) { throw null; }
        public override int GetHashCode() { throw null; }
        public static UnknownFieldSet MergeFieldFrom(UnknownFieldSet unknownFields, CodedInputStream input) { throw null; }
        public static UnknownFieldSet MergeFieldFrom(UnknownFieldSet unknownFields, ref ParseContext ctx) { throw null; }
        public static UnknownFieldSet MergeFrom(UnknownFieldSet unknownFields, UnknownFieldSet other) { throw null; }
        public static UnknownFieldSet Clone(UnknownFieldSet other) { throw null; }
    }

    public class MessageParser
    {
        public IMessage ParseFrom(byte[] data) { throw null; }
        public IMessage ParseFrom(byte[] data, int offset, int length) { throw null; }
        public IMessage ParseFrom(ByteString data) { throw null; }
        public IMessage ParseFrom(Stream input) { throw null; }
        public IMessage ParseFrom(CodedInputStream input) { throw null; }
        public IMessage ParseJson(string json) { throw null; }
    }

    public sealed class MessageParser<T> : MessageParser where T : IMessage<T>
    {
        public MessageParser(Func<T> factory) { }
        public new T ParseFrom(byte[] data) { throw null; }
        public new T ParseFrom(byte[] data, int offset, int length) { throw null; }
        public new T ParseFrom(ByteString data) { throw null; }
        public new T ParseFrom(Stream input) { throw null; }
        public new T ParseFrom(CodedInputStream input) { throw null; }
        public new T ParseJson(string json) { throw null; }
    }

    public static class MessageExtensions
    {
        public static void MergeFrom(this IMessage message, byte[] data) { }
        public static void MergeFrom(this IMessage message, ByteString data) { }
        public static void MergeFrom(this IMessage message, Stream input) { }
        public static byte[] ToByteArray(this IMessage message) { throw null; }
        public static ByteString ToByteString(this IMessage message) { throw null; }
        public static void WriteTo(this IMessage message, Stream output) { }
        public static bool IsInitialized(this IMessage message) { throw null; }
    }

    public sealed class FieldCodec<T>
    {
        public uint Tag { get { throw null; } }
        public uint EndTag { get { throw null; } }
        public T DefaultValue { get { throw null; } }
        public int CalculateSizeWithTag(T value) { throw null; }
    }

    public static class FieldCodec
    {
        public static FieldCodec<string> ForString(uint tag) { throw null; }
        public static FieldCodec<string> ForString(uint tag, string defaultValue) { throw null; }
        public static FieldCodec<ByteString> ForBytes(uint tag) { throw null; }
        public static FieldCodec<bool> ForBool(uint tag) { throw null; }
        public static FieldCodec<int> ForInt32(uint tag) { throw null; }
        public static FieldCodec<int> ForSInt32(uint tag) { throw null; }
        public static FieldCodec<uint> ForFixed32(uint tag) { throw null; }
        public static FieldCodec<int> ForSFixed32(uint tag) { throw null; }
        public static FieldCodec<uint> ForUInt32(uint tag) { throw null; }
        public static FieldCodec<long> ForInt64(uint tag) { throw null; }
        public static FieldCodec<long> ForSInt64(uint tag) { throw null; }
        public static FieldCodec<ulong> ForFixed64(uint tag) { throw null; }
        public static FieldCodec<long> ForSFixed64(uint tag) { throw null; }
        public static FieldCodec<ulong> ForUInt64(uint tag) { throw null; }
        public static FieldCodec<float> ForFloat(uint tag) { throw null; }
        public static FieldCodec<double> ForDouble(uint tag) { throw null; }
        public static FieldCodec<T> ForEnum<T>(uint tag, Func<T, int> toInt32, Func<int, T> fromInt32) { throw null; }
        public static FieldCodec<T> ForMessage<T>(uint tag, MessageParser<T> parser) where T : class, IMessage<T> { throw null; }
    }

    public static class ProtoPreconditions
    {
        public static T CheckNotNull<T>(T value, string name) where T : class { throw null; }
    }

    public sealed class JsonFormatter
    {
        public static JsonFormatter Default { get { throw null; } }
        public string Format(IMessage message) { throw null; }
        public static string ToDiagnosticString(IMessage message) { throw null; }
    }

    public sealed class InvalidProtocolBufferException : IOException
    {
        internal InvalidProtocolBufferException(string message) : base(message) { }
    }

    public sealed class Extension { }
}

namespace Google.Protobuf.Collections
{
    public sealed class RepeatedField<T> : IList<T>, IList, IDeepCloneable<RepeatedField<T>>, IEquatable<RepeatedField<T>>, IReadOnlyList<T>
    {
        public RepeatedField<T> Clone() { throw null; }
        public void AddEntriesFrom(CodedInputStream input, FieldCodec<T> codec) { }
        public void AddEntriesFrom(ref ParseContext ctx, FieldCodec<T> codec) { }
        public int CalculateSize(FieldCodec<T> codec) { throw null; }
        public void WriteTo(CodedOutputStream output, FieldCodec<T> codec) { }
        public void WriteTo(ref WriteContext ctx, FieldCodec<T> codec) { }
        public int Capacity { get { throw null; } set { } }
        public void Add(T item) { }
        public void Add(IEnumerable<T> values) { }
        public void AddRange(IEnumerable<T> values) { }
        public void Clear() { }
        public bool Contains(T item) { throw null; }
        public void CopyTo(T[] array, int arrayIndex) { }
        public bool Remove(T item) { throw null; }
        public int Count { get { throw null; } }
        public bool IsReadOnly { get { throw null; } }
        public IEnumerator<T> GetEnumerator() { throw null; }
        public override bool Equals(object obj) { throw null; }
        public override int GetHashCode() { throw null; }
        public bool Equals(RepeatedField<T> other) { throw null; }
        public int IndexOf(T item) { throw null; }
        public void Insert(int index, T item) { }
        public void RemoveAt(int index) { }
        public override string ToString() { throw null; }
        public T this[int index] { get { throw null; } set { } }
        IEnumerator IEnumerable.GetEnumerator() { throw null; }
        bool IList.IsFixedSize { get { throw null; } }
        void ICollection.CopyTo(Array array, int index) { }
        bool ICollection.IsSynchronized { get { throw null; } }
        object ICollection.SyncRoot { get { throw null; } }
        object IList.this[int index] { get { throw null; } set { } }
        int IList.Add(object value) { throw null; }
        bool IList.Contains(object value) { throw null; }
        int IList.IndexOf(object value) { throw null; }
        void IList.Insert(int index, object value) { }
        void IList.Remove(object value) { }
    }

    public static class ProtobufEqualityComparers
    {
        public static EqualityComparer<T> GetEqualityComparer<T>() { throw null; }
        public static EqualityComparer<double> BitwiseDoubleEqualityComparer { get { throw null; } }
        public static EqualityComparer<float> BitwiseSingleEqualityComparer { get { throw null; } }
        public static EqualityComparer<double?> BitwiseNullableDoubleEqualityComparer { get { throw null; } }
        public static EqualityComparer<float?> BitwiseNullableSingleEqualityComparer { get { throw null; } }
    }
}

namespace Google.Protobuf.Reflection
{
    public abstract class DescriptorBase
    {
        public int Index { get { throw null; } }
        public string Name { get { throw null; } }
        public string FullName { get { throw null; } }
        public FileDescriptor File { get { throw null; } }
    }

    public sealed class FileDescriptor
    {
        public string Name { get { throw null; } }
        public string Package { get { throw null; } }
        public IList<MessageDescriptor> MessageTypes { get { throw null; } }
        public IList<EnumDescriptor> EnumTypes { get { throw null; } }
        public IList<ServiceDescriptor> Services { get { throw null; } }
        public IList<FileDescriptor> Dependencies { get { throw null; } }
        public static FileDescriptor FromGeneratedCode(byte[] descriptorData, FileDescriptor[] dependencies,
                                                       GeneratedClrTypeInfo generatedCodeInfo) { throw null; }
    }

    public sealed class MessageDescriptor : DescriptorBase
    {
        public Type ClrType { get { throw null; } }
        public MessageParser Parser { get { throw null; } }
        public IList<MessageDescriptor> NestedTypes { get { throw null; } }
        public IList<EnumDescriptor> EnumTypes { get { throw null; } }
        public MessageDescriptor ContainingType { get { throw null; } }
    }

    public sealed class EnumDescriptor : DescriptorBase
    {
        public Type ClrType { get { throw null; } }
    }

    public sealed class ServiceDescriptor : DescriptorBase { }

    public sealed class GeneratedClrTypeInfo
    {
        public GeneratedClrTypeInfo(Type clrType, MessageParser parser, string[] propertyNames, string[] oneofNames,
                                    Type[] nestedEnums, Extension[] extensions, GeneratedClrTypeInfo[] nestedTypes) { }
        public GeneratedClrTypeInfo(Type clrType, MessageParser parser, string[] propertyNames, string[] oneofNames,
                                    Type[] nestedEnums, GeneratedClrTypeInfo[] nestedTypes) { }
        public GeneratedClrTypeInfo(Type[] nestedEnums, Extension[] extensions, GeneratedClrTypeInfo[] nestedTypes) { }
        public GeneratedClrTypeInfo(Type[] nestedEnums, GeneratedClrTypeInfo[] nestedTypes) { }
    }

    [AttributeUsage(AttributeTargets.Field)]
    public class OriginalNameAttribute : Attribute
    {
        public OriginalNameAttribute(string name) { }
        public string Name { get { throw null; } set { } }
        public bool PreferredAlias { get { throw null; } set { } }
    }
}
