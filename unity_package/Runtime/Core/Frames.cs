using System;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// One person at one tick, as the wire's <c>ParticipantFrame</c>, in whichever space its
    /// producer says: room frame R from the stream, Unity space after
    /// <see cref="UnitySpace.ToUnity(ParticipantPose)"/>. A class with copy-into methods, so that
    /// the per-frame path allocates nothing once its poses exist.
    /// </summary>
    public sealed class ParticipantPose
    {
        /// <summary>Offset of the neck base from the anchor, in the anchor frame, metres.</summary>
        public Vec3f Translation;
        /// <summary>Relative to the anchor frame.</summary>
        public Quatf Neck = Quatf.Identity;
        /// <summary>Relative to the neck.</summary>
        public Quatf Head = Quatf.Identity;
        /// <summary>Relative to the head.</summary>
        public Quatf LeftEye = Quatf.Identity;
        /// <summary>Relative to the head.</summary>
        public Quatf RightEye = Quatf.Identity;
        /// <summary>52 weights in [0, 1], in ARKit order (see <see cref="ExpressionLayout"/>).</summary>
        public readonly float[] Expression = new float[Arkit.BlendshapeCount];
        /// <summary>The composed head pose, so that head-only clients need no composition.</summary>
        public Vec3f HeadWorldPosition;
        public Quatf HeadWorldRotation = Quatf.Identity;
        /// <summary>The speaking probability the animator was conditioned on.</summary>
        public float Speaking;

        public void CopyFrom(ParticipantPose other)
        {
            Translation = other.Translation;
            Neck = other.Neck;
            Head = other.Head;
            LeftEye = other.LeftEye;
            RightEye = other.RightEye;
            Array.Copy(other.Expression, Expression, Arkit.BlendshapeCount);
            HeadWorldPosition = other.HeadWorldPosition;
            HeadWorldRotation = other.HeadWorldRotation;
            Speaking = other.Speaking;
        }

        /// <summary>The rest pose: no offset, identity joints, a neutral face (all weights 0),
        /// the head on <paramref name="anchor"/> (the seat) facing where the seat faces.</summary>
        public void SetRest(Anchor anchor)
        {
            Translation = Vec3f.Zero;
            Neck = Head = LeftEye = RightEye = Quatf.Identity;
            Array.Clear(Expression, 0, Arkit.BlendshapeCount);
            HeadWorldPosition = anchor.Position;
            HeadWorldRotation = anchor.Rotation;
            Speaking = 0f;
        }

        /// <summary>True when this is the rest pose of <see cref="SetRest"/> for some anchor:
        /// identity joints, no offset and a neutral face.</summary>
        public bool IsRest
        {
            get
            {
                if (!Translation.Equals(Vec3f.Zero) || !Neck.Equals(Quatf.Identity) || !Head.Equals(Quatf.Identity) ||
                    !LeftEye.Equals(Quatf.Identity) || !RightEye.Equals(Quatf.Identity) || Speaking != 0f)
                    return false;
                foreach (var w in Expression)
                    if (w != 0f)
                        return false;
                return true;
            }
        }

        /// <summary>Writes the blend of <paramref name="a"/> and <paramref name="b"/> at
        /// <paramref name="t"/> in [0, 1]: slerp for rotations, lerp for the rest.</summary>
        public void Interpolate(ParticipantPose a, ParticipantPose b, float t)
        {
            Translation = Vec3f.Lerp(a.Translation, b.Translation, t);
            Neck = Quatf.Slerp(a.Neck, b.Neck, t);
            Head = Quatf.Slerp(a.Head, b.Head, t);
            LeftEye = Quatf.Slerp(a.LeftEye, b.LeftEye, t);
            RightEye = Quatf.Slerp(a.RightEye, b.RightEye, t);
            for (var i = 0; i < Arkit.BlendshapeCount; i++)
                Expression[i] = a.Expression[i] + (b.Expression[i] - a.Expression[i]) * t;
            HeadWorldPosition = Vec3f.Lerp(a.HeadWorldPosition, b.HeadWorldPosition, t);
            HeadWorldRotation = Quatf.Slerp(a.HeadWorldRotation, b.HeadWorldRotation, t);
            Speaking = a.Speaking + (b.Speaking - a.Speaking) * t;
        }
    }

    /// <summary>Both participants at one 25 fps tick: the wire's <c>Frame</c>.</summary>
    public sealed class AnimationFrame
    {
        public const int ParticipantCount = 2;

        /// <summary>Contiguous from 0 within a stream; gaps mean lost frames.</summary>
        public long Sequence;
        /// <summary>Server monotonic ns of the newest audio sample behind this frame.</summary>
        public long CaptureTimeNs;
        /// <summary>Server monotonic ns when the frame left the animator.</summary>
        public long EmitTimeNs;
        /// <summary>Animate only: this client's own clock, ns, when the newest audio sample behind
        /// the frame was captured (echoed from <c>AudioChunk.client_capture_time_ns</c>); 0 otherwise.</summary>
        public long ClientCaptureTimeNs;
        /// <summary>[A, B]; A is role index 0.</summary>
        public readonly ParticipantPose[] Participants = { new ParticipantPose(), new ParticipantPose() };

        public void CopyFrom(AnimationFrame other)
        {
            Sequence = other.Sequence;
            CaptureTimeNs = other.CaptureTimeNs;
            EmitTimeNs = other.EmitTimeNs;
            ClientCaptureTimeNs = other.ClientCaptureTimeNs;
            for (var p = 0; p < ParticipantCount; p++)
                Participants[p].CopyFrom(other.Participants[p]);
        }
    }

    /// <summary>
    /// A seat in room frame R: the neck base position and the yaw (radians, about +Y,
    /// counter-clockwise seen from above) that turns -Z toward where the body faces.
    /// </summary>
    [Serializable]
    public struct Anchor
    {
        public Vec3f Position;
        public float YawRad;

        public Anchor(Vec3f position, float yawRad)
        {
            Position = position;
            YawRad = yawRad;
        }

        /// <summary>The anchor frame's orientation in R.</summary>
        public Quatf Rotation { get { return Quatf.AngleAxis(YawRad, new Vec3f(0f, 1f, 0f)); } }
    }
}
