using System;
using NUnit.Framework;

namespace TalkingTogether.Bridge.Tests
{
    /// <summary>
    /// <see cref="WireFrameReader"/> on bytes written by the Python service's protobuf (the real
    /// encoder, not ours). The frame was made with talking_together.v1.talking_together_pb2:
    /// <code>
    /// f = pb.Frame(sequence=123456789012, capture_time_ns=987654321098765, emit_time_ns=987654331098765, client_capture_time_ns=5555)
    /// for k in range(2):
    ///     p = f.participants.add()
    ///     p.translation.x, p.translation.y, p.translation.z = 0.01*(k+1), -0.02, 0.03
    ///     p.neck.x, p.neck.y, p.neck.z, p.neck.w = 0.1, 0.2*(k+1), 0.0, 0.97
    ///     p.head.w = 1.0                                    # x, y, z absent on the wire
    ///     if k == 0: p.left_eye.x = 0.05; p.left_eye.w = 0.99  # participant 1: left_eye absent
    ///     p.expression.extend([min(1.0, i/51.0 + 0.1*k) for i in range(52)])   # right_eye absent
    ///     p.head_world.position.x, p.head_world.position.y, p.head_world.position.z = 0.5, 1.2, -0.7*(k+1)
    ///     p.head_world.rotation.y = 0.3; p.head_world.rotation.w = 0.95
    ///     p.speaking = 0.25 + 0.5*k
    /// base64(pb.AnimateResponse(frame=f).SerializeToString())
    /// </code>
    /// </summary>
    [TestFixture]
    public class WireFrameReaderTests
    {
        const string FrameBytes =
            "Eu4ECJS05PTLAxCNoOGHw8jgARiNzcOMw8jgASKsAgoPDQrXIzwVCtejvB2PwvU8Eg8NzczMPRXNzEw+JexReD8aBSUAAIA/IgoNzcxMPSWkcH0/MtABAAAAAKGgoDyhoCA98fBwPaGgoD3JyMg98fDwPY2MDD6hoCA+tbQ0PsnISD7d3Fw+8fBwPoOCgj6NjIw+l5aWPqGgoD6rqqo+tbS0Pr++vj7JyMg+09LSPt3c3D7n5uY+8fDwPvv6+j6DggI/iIcHP42MDD+SkRE/l5YWP5ybGz+hoCA/pqUlP6uqKj+wry8/tbQ0P7q5OT+/vj4/xMNDP8nISD/OzU0/09JSP9jXVz/d3Fw/4uFhP+fmZj/s62s/8fBwP/b1dT/7+no/AACAPzodCg8NAAAAPxWamZk/HTMzM78SChWamZk+JTMzcz9FAACAPiKgAgoPDQrXozwVCtejvB2PwvU8Eg8NzczMPRXNzMw+JexReD8aBSUAAIA/MtABzczMPfX09D2Pjg4+o6IiPre2Nj7Lyko+395ePvPycj6Eg4M+jo2NPpiXlz6ioaE+rKurPra1tT7Av78+ysnJPtTT0z7e3d0+6OfnPvLx8T78+/s+AwMDPwgICD8NDQ0/EhISPxcXFz8cHBw/ISEhPyYmJj8rKys/MDAwPzU1NT86Ojo/Pz8/P0RERD9JSUk/Tk5OP1NTUz9YWFg/XV1dP2JiYj9nZ2c/bGxsP3FxcT92dnY/e3t7PwAAgD8AAIA/AACAPwAAgD8AAIA/AACAPzodCg8NAAAAPxWamZk/HTMzs78SChWamZk+JTMzcz9FAABAPyizKw==";

        /// <summary>pb.AnimateResponse(header=pb.ServerHeader(schema_version="1", fps=25, epoch_offset_ns=42)).</summary>
        const string HeaderBytes = "CgcKATEYGTgq";

        static WireFrameReader.Payload Read(WireFrameReader reader, byte[] bytes, AnimationFrame frame)
        {
            int offset, length;
            return reader.Read(bytes, 0, bytes.Length, frame, out offset, out length);
        }

        [Test]
        public void ReadsTheServicesFrameBytes()
        {
            var frame = new AnimationFrame();
            var reader = new WireFrameReader();
            Assert.AreEqual(WireFrameReader.Payload.Frame, Read(reader, Convert.FromBase64String(FrameBytes), frame));
            Assert.AreEqual(123456789012L, frame.Sequence);
            Assert.AreEqual(987654321098765L, frame.CaptureTimeNs);
            Assert.AreEqual(987654331098765L, frame.EmitTimeNs);
            Assert.AreEqual(5555L, frame.ClientCaptureTimeNs);
            for (var k = 0; k < 2; k++)
            {
                var p = frame.Participants[k];
                Assert.AreEqual(new Vec3f((float)(0.01 * (k + 1)), -0.02f, 0.03f), p.Translation);
                Assert.AreEqual(new Quatf(0.1f, (float)(0.2 * (k + 1)), 0f, 0.97f), p.Neck);
                Assert.AreEqual(new Quatf(0f, 0f, 0f, 1f), p.Head, "absent components are 0");
                Assert.AreEqual(k == 0 ? new Quatf(0.05f, 0f, 0f, 0.99f) : Quatf.Identity, p.LeftEye, "an absent rotation is the identity");
                Assert.AreEqual(Quatf.Identity, p.RightEye);
                for (var i = 0; i < 52; i++)
                    Assert.AreEqual((float)Math.Min(1.0, i / 51.0 + 0.1 * k), p.Expression[i], "weight " + i);
                Assert.AreEqual(new Vec3f(0.5f, 1.2f, (float)(-0.7 * (k + 1))), p.HeadWorldPosition);
                Assert.AreEqual(new Quatf(0f, 0.3f, 0f, 0.95f), p.HeadWorldRotation);
                Assert.AreEqual((float)(0.25 + 0.5 * k), p.Speaking);
            }
        }

        [Test]
        public void ReordersExpressionByTheHeadersNames()
        {
            var reversed = (string[])Arkit.BlendshapeNames.Clone();
            Array.Reverse(reversed);
            var reader = new WireFrameReader { Layout = new ExpressionLayout(reversed) };
            var frame = new AnimationFrame();
            Read(reader, Convert.FromBase64String(FrameBytes), frame);
            Assert.AreEqual((float)(51 / 51.0), frame.Participants[0].Expression[0], "wire weight 51 is eyeBlinkLeft now");
            Assert.AreEqual(0f, frame.Participants[0].Expression[51]);
        }

        [Test]
        public void LocatesAHeaderForTheTransportToParse()
        {
            var bytes = Convert.FromBase64String(HeaderBytes);
            int offset, length;
            Assert.AreEqual(WireFrameReader.Payload.Header, new WireFrameReader().Read(bytes, 0, bytes.Length, new AnimationFrame(), out offset, out length));
            Assert.AreEqual(2, offset);
            Assert.AreEqual(7, length);
        }

        [Test]
        public void SkipsUnknownFieldsAndRefusesTruncatedBytes()
        {
            var bytes = Convert.FromBase64String(FrameBytes);
            // Append fields this schema does not know: 12 (varint), 13 (64-bit), 14 (length-delimited), 11 (32-bit).
            var extra = new byte[] { 12 << 3 | 0, 0x96, 0x01, 13 << 3 | 1, 1, 2, 3, 4, 5, 6, 7, 8, 14 << 3 | 2, 3, 1, 2, 3, 11 << 3 | 5, 1, 2, 3, 4 };
            var longer = new byte[bytes.Length + extra.Length];
            bytes.CopyTo(longer, 0);
            extra.CopyTo(longer, bytes.Length);
            var frame = new AnimationFrame();
            Assert.AreEqual(WireFrameReader.Payload.Frame, Read(new WireFrameReader(), longer, frame));
            Assert.AreEqual(123456789012L, frame.Sequence);

            var truncated = new byte[bytes.Length - 3];
            Array.Copy(bytes, truncated, truncated.Length);
            Assert.Throws<FormatException>(() => Read(new WireFrameReader(), truncated, new AnimationFrame()));
        }

        [Test]
        public void ReusesOneFrameForEveryMessage()
        {
            var bytes = Convert.FromBase64String(FrameBytes);
            var reader = new WireFrameReader();
            var frame = new AnimationFrame();
            var expression = frame.Participants[0].Expression;
            for (var i = 0; i < 100; i++)
                Read(reader, bytes, frame);
            Assert.AreSame(expression, frame.Participants[0].Expression);
        }
    }
}
