// UniVRM 1.0's runtime (vrm-c/UniVRM, Assets/VRM10/Runtime, asmdef VRM10; UPM package com.vrmc.vrm):
// only what Runtime/Vrm calls, from its docs (docs/vrm1/api_update.md: "VRMBlendShapeProxy is now
// Vrm10Instance.Runtime.Expression", SetWeight(ExpressionKey.CreateFromPreset(ExpressionPreset.aa), w)).
using UnityEngine;

namespace UniVRM10
{
    public enum ExpressionPreset
    {
        custom, happy, angry, sad, relaxed, surprised, aa, ih, ou, ee, oh,
        blink, blinkLeft, blinkRight, lookUp, lookDown, lookLeft, lookRight, neutral,
    }

    public readonly struct ExpressionKey
    {
        public static ExpressionKey CreateFromPreset(ExpressionPreset preset) { throw null; }
        public static ExpressionKey CreateCustom(string key) { throw null; }
    }

    public sealed class Vrm10RuntimeExpression
    {
        public void SetWeight(ExpressionKey expressionKey, float weight) { }
        public float GetWeight(ExpressionKey expressionKey) { throw null; }
    }

    public class Vrm10Runtime
    {
        public Vrm10RuntimeExpression Expression { get { throw null; } }
    }

    public class Vrm10Instance : MonoBehaviour
    {
        public Vrm10Runtime Runtime { get { throw null; } }
    }
}
