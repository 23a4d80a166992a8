using System;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// How far behind the newest frame the avatars play. A longer delay absorbs more network
    /// jitter; a shorter one keeps lips closer to the voices in the room. When adaptive, the
    /// delay grows by <see cref="Step"/> each time the buffer runs dry and shrinks by the same
    /// step after <see cref="ShrinkAfter"/> seconds without one, within [Min, Max].
    /// </summary>
    [Serializable]
    public sealed class PlayoutDelay
    {
        public double Initial = 0.12;
        public double Min = 0.04;
        public double Max = 0.5;
        public double Step = 0.04;
        public double ShrinkAfter = 10.0;
        public bool Adaptive = true;

        public void Validate()
        {
            if (!(Min >= 0 && Min <= Initial && Initial <= Max && Step > 0 && ShrinkAfter > 0))
                throw new ArgumentException("Playout delay needs 0 <= Min <= Initial <= Max, Step > 0, ShrinkAfter > 0.");
        }
    }
}
