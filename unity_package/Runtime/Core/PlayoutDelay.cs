using System;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// How far behind the earliest possible arrival the avatars play. A longer delay absorbs more
    /// network jitter; a shorter one keeps lips closer to the voices in the room.
    /// When adaptive, the target delay is measured, not stepped: one frame interval plus the
    /// lateness of the latest frame seen over the last <see cref="ShrinkAfter"/> seconds (relative
    /// to the least-delayed one), plus <see cref="Margin"/>, within [<see cref="Min"/>,
    /// <see cref="Max"/>]. It rises as soon as the need does; it falls only when every frame of
    /// that window would have been on time with more than one further margin less (measured
    /// headroom), so small changes in the measured jitter move nothing; and <see cref="Min"/> is in
    /// effect never below one frame interval plus the measured jitter. The playout clock is slewed toward
    /// the target at up to <see cref="SlewRate"/> (0.05: it runs between 95% and 105% of real time)
    /// rather than stepped; when the buffer runs dry it holds the last frame and its clock stops,
    /// so the delay grows by exactly the time it was dry and playback resumes without a jump.
    /// </summary>
    [Serializable]
    public sealed class PlayoutDelay
    {
        /// <summary>Seconds; where the first stream starts, before anything is measured.</summary>
        public double Initial = 0.12;
        /// <summary>Seconds; the delay never goes below this, nor below one frame interval plus the measured jitter.</summary>
        public double Min = 0.04;
        public double Max = 0.5;
        /// <summary>Seconds of safety on top of the measured need.</summary>
        public double Margin = 0.03;
        /// <summary>How much faster or slower than real time the playout clock may run to reach the
        /// target (0.05: 5%). Slewing is invisible; a step is a jump in the face.</summary>
        public double SlewRate = 0.05;
        /// <summary>Seconds of arrivals over which the need is measured: the delay shrinks only
        /// after this long without a frame that needed the longer delay.</summary>
        public double ShrinkAfter = 30.0;
        /// <summary>When a dry spell longer than this (a network stall) has left the playout that
        /// far behind its target, it skips ahead instead of slewing back over many seconds.</summary>
        public double CatchUpBeyond = 0.25;
        public bool Adaptive = true;

        public void Validate()
        {
            if (!(Min >= 0 && Min <= Initial && Initial <= Max && Margin >= 0 && SlewRate > 0 && SlewRate <= 0.5 &&
                  ShrinkAfter > 0 && CatchUpBeyond > 0))
                throw new ArgumentException("Playout delay needs 0 <= Min <= Initial <= Max, Margin >= 0, 0 < SlewRate <= 0.5, " +
                                            "ShrinkAfter > 0 and CatchUpBeyond > 0.");
        }
    }
}
