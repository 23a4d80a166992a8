using System;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// The 1-euro filter (Casiez et al., CHI 2012): an exponential smoother whose cutoff rises with
    /// speed, so a still face loses its jitter while a fast jaw or head turn keeps its timing.
    /// <see cref="MinCutoff"/> (Hz) sets smoothing at rest, <see cref="Beta"/> how fast the
    /// cutoff rises with speed, <see cref="DerivativeCutoff"/> (Hz) how smoothed that speed is: the
    /// paper's 1 Hz hides a 4 Hz jaw's speed from beta, so the jaw lags; 4 Hz lets beta see it.
    /// A zero cutoff is taken as 1 Hz (a field Unity left unset).
    /// </summary>
    [Serializable]
    public struct OneEuroSettings
    {
        public float MinCutoff;
        public float Beta;
        public float DerivativeCutoff;

        public OneEuroSettings(float minCutoff, float beta, float derivativeCutoff = 1f)
        {
            MinCutoff = minCutoff;
            Beta = beta;
            DerivativeCutoff = derivativeCutoff;
        }

        /// <summary>Smoothing factor of a first-order low-pass at <paramref name="cutoff"/> Hz over
        /// <paramref name="dt"/> seconds.</summary>
        public static float Alpha(float cutoff, float dt)
        {
            if (!(cutoff > 0f))
                cutoff = 1f;
            var tau = 1.0 / (2.0 * Math.PI * cutoff);
            return (float)(1.0 / (1.0 + tau / dt));
        }

        /// <summary>The smoothing factor for a signal moving at <paramref name="speed"/>
        /// (units per second).</summary>
        public float AlphaAtSpeed(float speed, float dt)
        {
            return Alpha(MinCutoff + Beta * Math.Abs(speed), dt);
        }
    }

    /// <summary>A 1-euro filter on one scalar.</summary>
    public struct OneEuroFilter
    {
        float m_Value;
        float m_Speed;
        bool m_Primed;

        public void Reset() { m_Primed = false; }

        public float Filter(float value, float dt, OneEuroSettings settings)
        {
            if (!m_Primed)
            {
                m_Value = value;
                m_Speed = 0f;
                m_Primed = true;
                return value;
            }
            if (dt <= 0f)
                return m_Value;
            var rawSpeed = (value - m_Value) / dt;
            m_Speed += OneEuroSettings.Alpha(settings.DerivativeCutoff, dt) * (rawSpeed - m_Speed);
            m_Value += settings.AlphaAtSpeed(m_Speed, dt) * (value - m_Value);
            return m_Value;
        }
    }
}
