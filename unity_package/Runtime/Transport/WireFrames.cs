using System.Collections.Generic;
using TalkingTogether.V1;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// From the generated protobuf messages to Core's frame model, still in room frame R.
    /// Kept apart from the client so that Core never depends on Google.Protobuf. The client's own
    /// per-frame path does not use <see cref="CopyTo"/>: it reads frames from their bytes with
    /// Core's <see cref="WireFrameReader"/>, allocation-free.
    /// </summary>
    public static class WireFrames
    {
        public static Vec3f ToCore(this V1.Vec3 v) { return v == null ? Vec3f.Zero : new Vec3f(v.X, v.Y, v.Z); }

        /// <summary>A missing quaternion (proto3 leaves unset messages null) is the identity.</summary>
        public static Quatf ToCore(this Quat q) { return q == null ? Quatf.Identity : new Quatf(q.X, q.Y, q.Z, q.W); }

        public static Anchor ToCore(this V1.Anchor a) { return new Anchor(a.Position.ToCore(), a.YawRad); }

        /// <summary>The transport-free part of a stream header; the message itself rides along in
        /// <see cref="StreamHeader.Wire"/>.</summary>
        public static StreamHeader ToCore(this ServerHeader header)
        {
            var anchors = new List<Bridge.Anchor>();
            if (header.Layout != null)
                foreach (var a in header.Layout.Anchors)
                    anchors.Add(a.ToCore());
            return new StreamHeader
            {
                Fps = header.Fps > 0 ? (int)header.Fps : 25,
                Anchors = anchors.ToArray(),
                EpochOffsetNs = header.EpochOffsetNs,
                SessionId = header.SessionId ?? "",
                Wire = header,
            };
        }

        /// <summary>Copies <paramref name="frame"/> into <paramref name="into"/>, reordering the
        /// expression weights into ARKit order with the header's <paramref name="layout"/>.</summary>
        public static void CopyTo(this Frame frame, ExpressionLayout layout, AnimationFrame into)
        {
            into.Sequence = (long)frame.Sequence;
            into.CaptureTimeNs = frame.CaptureTimeNs;
            into.EmitTimeNs = frame.EmitTimeNs;
            into.ClientCaptureTimeNs = frame.ClientCaptureTimeNs;
            var n = System.Math.Min(frame.Participants.Count, AnimationFrame.ParticipantCount);
            for (var i = 0; i < n; i++)
            {
                var src = frame.Participants[i];
                var dst = into.Participants[i];
                dst.Translation = src.Translation.ToCore();
                dst.Neck = src.Neck.ToCore();
                dst.Head = src.Head.ToCore();
                dst.LeftEye = src.LeftEye.ToCore();
                dst.RightEye = src.RightEye.ToCore();
                layout.ToArkit(src.Expression, dst.Expression);
                dst.HeadWorldPosition = src.HeadWorld == null ? Vec3f.Zero : src.HeadWorld.Position.ToCore();
                dst.HeadWorldRotation = src.HeadWorld == null ? Quatf.Identity : src.HeadWorld.Rotation.ToCore();
                dst.Speaking = src.Speaking;
            }
        }
    }
}
