using UnityEngine;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// Whatever feeds the avatars: <c>TalkingTogetherClient</c> (in the Transport assembly, which
    /// needs gRPC and YetAnotherHttpHandler) or anything else that fills a Core
    /// <see cref="PoseFeed"/>, such as a recording player. <see cref="CoPresentAvatar"/> reads this
    /// base class only, so the avatar driver compiles without the transport.
    /// </summary>
    public abstract class PoseSource : MonoBehaviour
    {
        /// <summary>Both participants' poses this Unity frame (room frame R) and their seats; the
        /// rest pose while nothing streams. Filled before LateUpdate.</summary>
        public abstract PoseFeed Feed { get; }

        /// <summary>This Unity frame's pose of participant 0 (A) or 1 (B), in room frame R; false
        /// (and the rest pose) while nothing streams.</summary>
        public bool TryGetPose(int participant, out ParticipantPose pose)
        {
            return Feed.TryGetPose(participant, out pose);
        }

        /// <summary>The seat of participant 0 or 1 in room frame R, from the stream header.</summary>
        public bool TryGetAnchor(int participant, out Anchor anchor)
        {
            return Feed.TryGetAnchor(participant, out anchor);
        }
    }
}
