using System;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// 1-euro smoothing of one participant's pose after the jitter buffer, for streams whose
    /// animator output is noisy. Weights and translation are filtered per component; rotations
    /// are slerped toward the target by the 1-euro factor of their angular speed, since
    /// per-component filtering would leave the unit sphere. Expression and rotations take separate
    /// settings because lips must stay crisp while the head may be smoothed hard.
    /// The expression default (3 Hz, beta 2, derivative cutoff 4 Hz) costs a 4 Hz jaw (0 to 1,
    /// sampled at 72 Hz) about 8.5 ms of lag and no amplitude, and keeps about 40% of the noise of a
    /// face at rest; the former default (3 Hz, beta 1, derivative 1 Hz) cost 22 ms and 17%
    /// (SmoothingTests measures both).
    /// </summary>
    public sealed class PoseSmoother
    {
        public static readonly OneEuroSettings DefaultExpression = new OneEuroSettings(3f, 2f, 4f);
        public static readonly OneEuroSettings DefaultRotation = new OneEuroSettings(1.5f, 0.5f);
        public static readonly OneEuroSettings DefaultTranslation = new OneEuroSettings(1f, 0.5f);

        public OneEuroSettings Expression = DefaultExpression;
        public OneEuroSettings Rotation = DefaultRotation;
        public OneEuroSettings Translation = DefaultTranslation;

        readonly OneEuroFilter[] m_Expression = new OneEuroFilter[Arkit.BlendshapeCount];
        readonly OneEuroFilter[] m_Translation = new OneEuroFilter[3];
        readonly OneEuroFilter[] m_HeadWorld = new OneEuroFilter[3];
        readonly ParticipantPose m_State = new ParticipantPose();
        bool m_Primed;

        public void Reset()
        {
            for (var i = 0; i < m_Expression.Length; i++)
                m_Expression[i].Reset();
            for (var i = 0; i < 3; i++)
            {
                m_Translation[i].Reset();
                m_HeadWorld[i].Reset();
            }
            m_Primed = false;
        }

        /// <summary>Filters <paramref name="pose"/> in place, <paramref name="dt"/> seconds after
        /// the previous call.</summary>
        public void Filter(ParticipantPose pose, float dt)
        {
            for (var i = 0; i < Arkit.BlendshapeCount; i++)
                pose.Expression[i] = m_Expression[i].Filter(pose.Expression[i], dt, Expression);
            pose.Translation = FilterVector(m_Translation, pose.Translation, dt);
            pose.HeadWorldPosition = FilterVector(m_HeadWorld, pose.HeadWorldPosition, dt);
            if (m_Primed && dt > 0f)
            {
                pose.Neck = m_State.Neck = Follow(m_State.Neck, pose.Neck, dt);
                pose.Head = m_State.Head = Follow(m_State.Head, pose.Head, dt);
                pose.LeftEye = m_State.LeftEye = Follow(m_State.LeftEye, pose.LeftEye, dt);
                pose.RightEye = m_State.RightEye = Follow(m_State.RightEye, pose.RightEye, dt);
                pose.HeadWorldRotation = m_State.HeadWorldRotation = Follow(m_State.HeadWorldRotation, pose.HeadWorldRotation, dt);
            }
            else
            {
                m_State.CopyFrom(pose);
                m_Primed = true;
            }
        }

        Vec3f FilterVector(OneEuroFilter[] filters, Vec3f v, float dt)
        {
            return new Vec3f(
                filters[0].Filter(v.x, dt, Translation),
                filters[1].Filter(v.y, dt, Translation),
                filters[2].Filter(v.z, dt, Translation));
        }

        Quatf Follow(Quatf current, Quatf target, float dt)
        {
            var speed = Quatf.Angle(current, target) / dt;
            return Quatf.Slerp(current, target, Rotation.AlphaAtSpeed(speed, dt));
        }
    }
}
