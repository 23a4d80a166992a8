using System;
using System.Collections.Generic;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// What the avatars read each Unity frame: both participants' poses in room frame R and their
    /// seats. Main thread only. After <see cref="Clear"/> (the client disabled, stopped or paused)
    /// the poses are the rest pose (<see cref="ParticipantPose.SetRest"/>: identity joints, neutral
    /// face, head on the seat) and <see cref="HasPose"/> is false, so that an avatar goes back to
    /// rest instead of freezing mid-word.
    /// </summary>
    public sealed class PoseFeed
    {
        readonly AnimationFrame m_Frame = new AnimationFrame();
        Anchor[] m_Anchors = new Anchor[0];

        public PoseFeed()
        {
            Clear();
        }

        /// <summary>True while <see cref="Frame"/> holds a streamed pose; false at rest.</summary>
        public bool HasPose { get; private set; }

        /// <summary>This Unity frame's frame (interpolated), or the rest pose.</summary>
        public AnimationFrame Frame { get { return m_Frame; } }

        /// <summary>Bumped on every <see cref="Publish"/> and <see cref="Clear"/>.</summary>
        public int Version { get; private set; }

        public int AnchorCount { get { return m_Anchors.Length; } }

        /// <summary>Participant 0 (A) or 1 (B): the streamed pose (true) or the rest pose (false).</summary>
        public bool TryGetPose(int participant, out ParticipantPose pose)
        {
            if (participant < 0 || participant >= AnimationFrame.ParticipantCount)
                throw new ArgumentOutOfRangeException("participant");
            pose = m_Frame.Participants[participant];
            return HasPose;
        }

        /// <summary>The seat of participant 0 or 1 in room frame R, from the stream header.</summary>
        public bool TryGetAnchor(int participant, out Anchor anchor)
        {
            var ok = participant >= 0 && participant < m_Anchors.Length;
            anchor = ok ? m_Anchors[participant] : default(Anchor);
            return ok;
        }

        public void SetAnchors(IList<Anchor> anchors)
        {
            m_Anchors = anchors == null ? new Anchor[0] : new List<Anchor>(anchors).ToArray();
            if (!HasPose)
                Clear(); // the rest pose's head sits on the seat
        }

        /// <summary>Shows <paramref name="sampled"/> from now on.</summary>
        public void Publish(AnimationFrame sampled)
        {
            m_Frame.CopyFrom(sampled);
            HasPose = true;
            Version++;
        }

        /// <summary>Back to the rest pose, seats kept.</summary>
        public void Clear()
        {
            for (var p = 0; p < AnimationFrame.ParticipantCount; p++)
            {
                Anchor anchor;
                TryGetAnchor(p, out anchor);
                m_Frame.Participants[p].SetRest(anchor);
            }
            m_Frame.Sequence = 0;
            m_Frame.CaptureTimeNs = m_Frame.EmitTimeNs = m_Frame.ClientCaptureTimeNs = 0;
            HasPose = false;
            Version++;
        }
    }
}
