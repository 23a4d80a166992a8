using System;
using System.Collections.Generic;

namespace TalkingTogether.Bridge
{
    /// <summary>Ready-made remap tables for common rigs.</summary>
    public enum BlendshapePreset
    {
        /// <summary>No rows: ARKit names matched on the rig as they are (exactly, ignoring case, or
        /// after an exporter's prefix). Ready Player Me and Perfect-Sync VRoid/VRM rigs carry
        /// ARKit's 52 names and need nothing more.</summary>
        ArkitNamed,
        /// <summary>Reallusion Character Creator 4 "Extended" facial profile (Eye_Blink_L, Jaw_Open,
        /// Mouth_Smile_L...).</summary>
        Cc4Extended,
        /// <summary>VRM 1.0 preset expressions (aa, ih, ou, ee, oh, blinkLeft, lookUp, happy...),
        /// set through an <see cref="IBlendshapeTarget"/> adapter over the VRM runtime.</summary>
        Vrm10Expressions,
    }

    /// <summary>
    /// The rows of each <see cref="BlendshapePreset"/>. The CC4 names were cross-checked against
    /// several independent public ARKit-to-CC4 mappings (which agree), not against Reallusion's own
    /// documentation; check them against the shape list of your export (the inspector lists the
    /// ARKit shapes nothing drives). The VRM rows are an approximation of ARKit by VRM's few
    /// expressions: visemes from the mouth shapes, emotions from smile, frown, brows; tune them.
    /// </summary>
    public static class BlendshapePresets
    {
        /// <summary>VRM 1.0's preset expression names, the shape list of a VRM adapter.</summary>
        public static readonly string[] Vrm10ExpressionNames =
        {
            "happy", "angry", "sad", "relaxed", "surprised", "aa", "ih", "ou", "ee", "oh",
            "blink", "blinkLeft", "blinkRight", "lookUp", "lookDown", "lookLeft", "lookRight", "neutral",
        };

        static readonly BlendshapeRemap[] s_Cc4 =
        {
            R("eyeBlinkLeft", "Eye_Blink_L"), R("eyeBlinkRight", "Eye_Blink_R"),
            R("eyeLookDownLeft", "Eye_L_Look_Down"), R("eyeLookDownRight", "Eye_R_Look_Down"),
            R("eyeLookInLeft", "Eye_L_Look_R"), R("eyeLookInRight", "Eye_R_Look_L"),
            R("eyeLookOutLeft", "Eye_L_Look_L"), R("eyeLookOutRight", "Eye_R_Look_R"),
            R("eyeLookUpLeft", "Eye_L_Look_Up"), R("eyeLookUpRight", "Eye_R_Look_Up"),
            R("eyeSquintLeft", "Eye_Squint_L"), R("eyeSquintRight", "Eye_Squint_R"),
            R("eyeWideLeft", "Eye_Wide_L"), R("eyeWideRight", "Eye_Wide_R"),
            R("jawForward", "Jaw_Forward"), R("jawLeft", "Jaw_L"), R("jawRight", "Jaw_R"), R("jawOpen", "Jaw_Open"),
            R("mouthClose", "Mouth_Close"),
            R("mouthFunnel", "Mouth_Funnel_Up_L"), R("mouthFunnel", "Mouth_Funnel_Up_R"),
            R("mouthFunnel", "Mouth_Funnel_Down_L"), R("mouthFunnel", "Mouth_Funnel_Down_R"),
            R("mouthPucker", "Mouth_Pucker_Up_L"), R("mouthPucker", "Mouth_Pucker_Up_R"),
            R("mouthPucker", "Mouth_Pucker_Down_L"), R("mouthPucker", "Mouth_Pucker_Down_R"),
            R("mouthLeft", "Mouth_L"), R("mouthRight", "Mouth_R"),
            R("mouthSmileLeft", "Mouth_Smile_L"), R("mouthSmileRight", "Mouth_Smile_R"),
            R("mouthFrownLeft", "Mouth_Frown_L"), R("mouthFrownRight", "Mouth_Frown_R"),
            R("mouthDimpleLeft", "Mouth_Dimple_L"), R("mouthDimpleRight", "Mouth_Dimple_R"),
            R("mouthStretchLeft", "Mouth_Stretch_L"), R("mouthStretchRight", "Mouth_Stretch_R"),
            R("mouthRollLower", "Mouth_Roll_In_Lower_L"), R("mouthRollLower", "Mouth_Roll_In_Lower_R"),
            R("mouthRollUpper", "Mouth_Roll_In_Upper_L"), R("mouthRollUpper", "Mouth_Roll_In_Upper_R"),
            R("mouthShrugLower", "Mouth_Shrug_Lower"), R("mouthShrugUpper", "Mouth_Shrug_Upper"),
            R("mouthPressLeft", "Mouth_Press_L"), R("mouthPressRight", "Mouth_Press_R"),
            R("mouthLowerDownLeft", "Mouth_Down_Lower_L"), R("mouthLowerDownRight", "Mouth_Down_Lower_R"),
            R("mouthUpperUpLeft", "Mouth_Up_Upper_L"), R("mouthUpperUpRight", "Mouth_Up_Upper_R"),
            R("browDownLeft", "Brow_Drop_L"), R("browDownRight", "Brow_Drop_R"),
            R("browInnerUp", "Brow_Raise_Inner_L"), R("browInnerUp", "Brow_Raise_Inner_R"),
            R("browOuterUpLeft", "Brow_Raise_Outer_L"), R("browOuterUpRight", "Brow_Raise_Outer_R"),
            R("cheekPuff", "Cheek_Puff_L"), R("cheekPuff", "Cheek_Puff_R"),
            R("cheekSquintLeft", "Cheek_Raise_L"), R("cheekSquintRight", "Cheek_Raise_R"),
            R("noseSneerLeft", "Nose_Sneer_L"), R("noseSneerRight", "Nose_Sneer_R"),
            R("tongueOut", "Tongue_Out"),
        };

        // The model's own left, as ARKit's: looking to its left is the left eye looking out and
        // the right eye looking in.
        static readonly BlendshapeRemap[] s_Vrm10 =
        {
            R("jawOpen", "aa"),
            R("mouthStretchLeft", "ih", 0.5f), R("mouthStretchRight", "ih", 0.5f),
            R("mouthPucker", "ou"),
            R("mouthLowerDownLeft", "ee", 0.5f), R("mouthLowerDownRight", "ee", 0.5f),
            R("mouthFunnel", "oh"),
            // blinkLeft and blinkRight, not blink too: VRM adds them, both eyes would close twice.
            R("eyeBlinkLeft", "blinkLeft"), R("eyeBlinkRight", "blinkRight"),
            R("eyeLookUpLeft", "lookUp", 0.5f), R("eyeLookUpRight", "lookUp", 0.5f),
            R("eyeLookDownLeft", "lookDown", 0.5f), R("eyeLookDownRight", "lookDown", 0.5f),
            R("eyeLookOutLeft", "lookLeft", 0.5f), R("eyeLookInRight", "lookLeft", 0.5f),
            R("eyeLookInLeft", "lookRight", 0.5f), R("eyeLookOutRight", "lookRight", 0.5f),
            R("mouthSmileLeft", "happy", 0.5f), R("mouthSmileRight", "happy", 0.5f),
            R("mouthFrownLeft", "sad", 0.5f), R("mouthFrownRight", "sad", 0.5f),
            R("browDownLeft", "angry", 0.5f), R("browDownRight", "angry", 0.5f),
            R("browInnerUp", "surprised", 0.5f), R("eyeWideLeft", "surprised", 0.25f), R("eyeWideRight", "surprised", 0.25f),
        };

        /// <summary>A copy of the preset's rows (none for <see cref="BlendshapePreset.ArkitNamed"/>).</summary>
        public static BlendshapeRemap[] Rows(BlendshapePreset preset)
        {
            switch (preset)
            {
                case BlendshapePreset.Cc4Extended: return (BlendshapeRemap[])s_Cc4.Clone();
                case BlendshapePreset.Vrm10Expressions: return (BlendshapeRemap[])s_Vrm10.Clone();
                default: return new BlendshapeRemap[0];
            }
        }

        /// <summary>False for presets whose target names are not ARKit's (VRM): only rows drive.</summary>
        public static bool MatchesArkitNames(BlendshapePreset preset)
        {
            return preset != BlendshapePreset.Vrm10Expressions;
        }

        /// <summary>The preset's rows with <paramref name="custom"/> rows on top: an ARKit name that
        /// has custom rows loses the preset's rows for it.</summary>
        public static List<BlendshapeRemap> Combine(BlendshapePreset preset, IList<BlendshapeRemap> custom)
        {
            var overridden = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (custom != null)
                foreach (var row in custom)
                    if (!string.IsNullOrEmpty(row.ArkitName))
                        overridden.Add(row.ArkitName);
            var rows = new List<BlendshapeRemap>();
            foreach (var row in Rows(preset))
                if (!overridden.Contains(row.ArkitName))
                    rows.Add(row);
            if (custom != null)
                rows.AddRange(custom);
            return rows;
        }

        static BlendshapeRemap R(string arkit, string rig, float scale = 1f)
        {
            return new BlendshapeRemap(arkit, rig, scale);
        }
    }
}
