using System;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// Reads the wire's <c>AnimateResponse</c> straight from its protobuf bytes: a <c>Frame</c>
    /// goes into a reused <see cref="AnimationFrame"/> (ARKit order, room frame R) with no
    /// allocation at all, where the generated parser built a tree of about 20 objects per frame on
    /// the network thread. A header or a final status (once per stream) is only located, for the
    /// transport to parse with Google.Protobuf. Engine- and protobuf-free, so Core tests pin it on
    /// bytes the Python service's protobuf wrote. Unknown fields are skipped, as protobuf does.
    /// Not thread-safe: one reader per stream.
    /// </summary>
    public sealed class WireFrameReader
    {
        /// <summary>Which payload an <c>AnimateResponse</c> holds (its oneof field numbers).</summary>
        public enum Payload
        {
            None = 0,
            Header = 1,
            Frame = 2,
            Status = 3,
        }

        const int Varint = 0;
        const int Fixed64 = 1;
        const int LengthDelimited = 2;
        const int Fixed32 = 5;

        float[] m_Wire = new float[Arkit.BlendshapeCount];
        int m_WireCount;

        /// <summary>The header's expression names, as a layout; the contract's order until set.</summary>
        public ExpressionLayout Layout = ExpressionLayout.Contract;

        /// <summary>Reads one <c>AnimateResponse</c> of <paramref name="length"/> bytes at
        /// <paramref name="offset"/>. For <see cref="Payload.Frame"/>, <paramref name="frame"/> holds it
        /// (participants beyond the wire's count keep their values, as the generated copy did); for
        /// a header or status, <paramref name="payloadOffset"/> and <paramref name="payloadLength"/>
        /// locate its message. Throws <see cref="FormatException"/> on malformed bytes.</summary>
        public Payload Read(byte[] buffer, int offset, int length, AnimationFrame frame, out int payloadOffset, out int payloadLength)
        {
            if (buffer == null)
                throw new ArgumentNullException("buffer");
            if (offset < 0 || length < 0 || offset + length > buffer.Length)
                throw new ArgumentOutOfRangeException("length");
            var payload = Payload.None;
            payloadOffset = payloadLength = 0;
            var p = offset;
            var end = offset + length;
            while (p < end)
            {
                int field, type;
                ReadTag(buffer, ref p, end, out field, out type);
                if (type == LengthDelimited && field >= 1 && field <= 3)
                {
                    var n = ReadLength(buffer, ref p, end);
                    // A oneof: the last one on the wire wins, as in protobuf.
                    payload = (Payload)field;
                    payloadOffset = p;
                    payloadLength = n;
                    if (payload == Payload.Frame)
                        ReadFrame(buffer, p, p + n, frame);
                    p += n;
                }
                else
                {
                    Skip(buffer, ref p, end, type);
                }
            }
            return payload;
        }

        void ReadFrame(byte[] b, int p, int end, AnimationFrame frame)
        {
            frame.Sequence = 0;
            frame.CaptureTimeNs = frame.EmitTimeNs = frame.ClientCaptureTimeNs = 0;
            var participant = 0;
            while (p < end)
            {
                int field, type;
                ReadTag(b, ref p, end, out field, out type);
                if (type == Varint && field == 1)
                    frame.Sequence = (long)ReadVarint(b, ref p, end);
                else if (type == Varint && field == 2)
                    frame.CaptureTimeNs = (long)ReadVarint(b, ref p, end);
                else if (type == Varint && field == 3)
                    frame.EmitTimeNs = (long)ReadVarint(b, ref p, end);
                else if (type == Varint && field == 5)
                    frame.ClientCaptureTimeNs = (long)ReadVarint(b, ref p, end);
                else if (type == LengthDelimited && field == 4)
                {
                    var n = ReadLength(b, ref p, end);
                    if (participant < AnimationFrame.ParticipantCount)
                        ReadParticipant(b, p, p + n, frame.Participants[participant]);
                    participant++;
                    p += n;
                }
                else
                {
                    Skip(b, ref p, end, type);
                }
            }
        }

        void ReadParticipant(byte[] b, int p, int end, ParticipantPose pose)
        {
            // Absent fields take their defaults: zero vectors, and identity for absent rotations
            // (a present rotation with no fields is (0, 0, 0, 0), which normalises to identity).
            pose.Translation = Vec3f.Zero;
            pose.Neck = pose.Head = pose.LeftEye = pose.RightEye = Quatf.Identity;
            pose.HeadWorldPosition = Vec3f.Zero;
            pose.HeadWorldRotation = Quatf.Identity;
            pose.Speaking = 0f;
            m_WireCount = 0;
            while (p < end)
            {
                int field, type;
                ReadTag(b, ref p, end, out field, out type);
                if (field == 6 && type == LengthDelimited)
                {
                    var n = ReadLength(b, ref p, end);
                    if (n % 4 != 0)
                        throw new FormatException("packed floats of " + n + " bytes");
                    for (var q = p; q < p + n; q += 4)
                        AddWire(ReadFloat(b, q, end));
                    p += n;
                }
                else if (field == 6 && type == Fixed32)
                {
                    AddWire(ReadFloat(b, p, end));
                    p += 4;
                }
                else if (field == 8 && type == Fixed32)
                {
                    pose.Speaking = ReadFloat(b, p, end);
                    p += 4;
                }
                else if (field >= 1 && field <= 7 && field != 6 && type == LengthDelimited)
                {
                    var n = ReadLength(b, ref p, end);
                    var sub = p + n;
                    switch (field)
                    {
                        case 1: pose.Translation = ReadVec3(b, p, sub); break;
                        case 2: pose.Neck = ReadQuat(b, p, sub); break;
                        case 3: pose.Head = ReadQuat(b, p, sub); break;
                        case 4: pose.LeftEye = ReadQuat(b, p, sub); break;
                        case 5: pose.RightEye = ReadQuat(b, p, sub); break;
                        case 7: ReadPose(b, p, sub, pose); break;
                    }
                    p = sub;
                }
                else
                {
                    Skip(b, ref p, end, type);
                }
            }
            Layout.ToArkit(m_Wire, m_WireCount, pose.Expression);
        }

        void AddWire(float value)
        {
            if (m_WireCount == m_Wire.Length)
                Array.Resize(ref m_Wire, m_Wire.Length * 2); // a server with more names: once
            m_Wire[m_WireCount++] = value;
        }

        static void ReadPose(byte[] b, int p, int end, ParticipantPose pose)
        {
            pose.HeadWorldRotation = Quatf.Identity;
            while (p < end)
            {
                int field, type;
                ReadTag(b, ref p, end, out field, out type);
                if (type == LengthDelimited && (field == 1 || field == 2))
                {
                    var n = ReadLength(b, ref p, end);
                    if (field == 1)
                        pose.HeadWorldPosition = ReadVec3(b, p, p + n);
                    else
                        pose.HeadWorldRotation = ReadQuat(b, p, p + n);
                    p += n;
                }
                else
                {
                    Skip(b, ref p, end, type);
                }
            }
        }

        static Vec3f ReadVec3(byte[] b, int p, int end)
        {
            var v = Vec3f.Zero;
            while (p < end)
            {
                int field, type;
                ReadTag(b, ref p, end, out field, out type);
                if (type != Fixed32 || field < 1 || field > 3)
                {
                    Skip(b, ref p, end, type);
                    continue;
                }
                var x = ReadFloat(b, p, end);
                p += 4;
                if (field == 1) v.x = x;
                else if (field == 2) v.y = x;
                else v.z = x;
            }
            return v;
        }

        static Quatf ReadQuat(byte[] b, int p, int end)
        {
            var q = new Quatf(0f, 0f, 0f, 0f);
            while (p < end)
            {
                int field, type;
                ReadTag(b, ref p, end, out field, out type);
                if (type != Fixed32 || field < 1 || field > 4)
                {
                    Skip(b, ref p, end, type);
                    continue;
                }
                var x = ReadFloat(b, p, end);
                p += 4;
                if (field == 1) q.x = x;
                else if (field == 2) q.y = x;
                else if (field == 3) q.z = x;
                else q.w = x;
            }
            return q;
        }

        static void ReadTag(byte[] b, ref int p, int end, out int field, out int type)
        {
            var tag = ReadVarint(b, ref p, end);
            field = (int)(tag >> 3);
            type = (int)(tag & 7);
            if (field <= 0)
                throw new FormatException("field number 0");
        }

        static ulong ReadVarint(byte[] b, ref int p, int end)
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (p >= end)
                    throw new FormatException("truncated varint");
                var x = b[p++];
                value |= (ulong)(x & 0x7f) << shift;
                if ((x & 0x80) == 0)
                    return value;
            }
            throw new FormatException("varint over 10 bytes");
        }

        static int ReadLength(byte[] b, ref int p, int end)
        {
            var n = ReadVarint(b, ref p, end);
            if (n > (ulong)(end - p))
                throw new FormatException("length past the end");
            return (int)n;
        }

        static float ReadFloat(byte[] b, int p, int end)
        {
            if (end - p < 4)
                throw new FormatException("truncated float");
            var bits = new FloatBits { Int = b[p] | b[p + 1] << 8 | b[p + 2] << 16 | b[p + 3] << 24 };
            return bits.Float; // little-endian on the wire whatever the machine
        }

        [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit)]
        struct FloatBits
        {
            [System.Runtime.InteropServices.FieldOffset(0)] public int Int;
            [System.Runtime.InteropServices.FieldOffset(0)] public float Float;
        }

        static void Skip(byte[] b, ref int p, int end, int type)
        {
            switch (type)
            {
                case Varint: ReadVarint(b, ref p, end); return;
                case Fixed64: p += 8; break;
                case LengthDelimited:
                {
                    var n = ReadLength(b, ref p, end); // not "p += ReadLength(ref p)": p would be read first
                    p += n;
                    return;
                }
                case Fixed32: p += 4; break;
                default: throw new FormatException("wire type " + type + " (groups are not used by this schema)");
            }
            if (p > end)
                throw new FormatException("truncated field");
        }
    }
}
