using System;
using System.Collections.Generic;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// The contract's names: ARKit's 52 blendshapes in ARKit's order and the four joints.
    /// The server also sends them in its header; <see cref="ExpressionLayout"/> checks that the two
    /// agree so that a server on another schema can never drive the wrong shapes silently.
    /// </summary>
    public static class Arkit
    {
        public const int BlendshapeCount = 52;

        public static readonly string[] BlendshapeNames =
        {
            "eyeBlinkLeft", "eyeLookDownLeft", "eyeLookInLeft", "eyeLookOutLeft", "eyeLookUpLeft",
            "eyeSquintLeft", "eyeWideLeft", "eyeBlinkRight", "eyeLookDownRight", "eyeLookInRight",
            "eyeLookOutRight", "eyeLookUpRight", "eyeSquintRight", "eyeWideRight", "jawForward",
            "jawLeft", "jawRight", "jawOpen", "mouthClose", "mouthFunnel", "mouthPucker", "mouthLeft",
            "mouthRight", "mouthSmileLeft", "mouthSmileRight", "mouthFrownLeft", "mouthFrownRight",
            "mouthDimpleLeft", "mouthDimpleRight", "mouthStretchLeft", "mouthStretchRight",
            "mouthRollLower", "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper", "mouthPressLeft",
            "mouthPressRight", "mouthLowerDownLeft", "mouthLowerDownRight", "mouthUpperUpLeft",
            "mouthUpperUpRight", "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft",
            "browOuterUpRight", "cheekPuff", "cheekSquintLeft", "cheekSquintRight", "noseSneerLeft",
            "noseSneerRight", "tongueOut",
        };

        public static readonly string[] JointNames = { "neck", "head", "left_eye", "right_eye" };

        static readonly Dictionary<string, int> s_Index = BuildIndex();

        static Dictionary<string, int> BuildIndex()
        {
            var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < BlendshapeNames.Length; i++)
                index.Add(BlendshapeNames[i], i);
            return index;
        }

        /// <summary>True for the eight eyeLook* shapes, which the server derives from the eye
        /// rotations: a rig whose eye bones turn must not also get them, or its eyes move twice.</summary>
        public static bool IsEyeLook(int index)
        {
            return index >= 0 && index < BlendshapeCount && BlendshapeNames[index].StartsWith("eyeLook", StringComparison.Ordinal);
        }

        /// <summary>The ARKit index of a name, case-insensitively, or -1.</summary>
        public static int IndexOf(string name)
        {
            int i;
            return name != null && s_Index.TryGetValue(name, out i) ? i : -1;
        }
    }
}
