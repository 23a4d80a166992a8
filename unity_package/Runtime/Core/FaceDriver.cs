using System;
using System.Collections.Generic;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// Something whose named shapes take weights: a SkinnedMeshRenderer's blendshapes (the Unity
    /// layer's adapter), a VRM 1.0 runtime's expressions (aa, ih, blink, lookUp...), anything else.
    /// </summary>
    public interface IBlendshapeTarget
    {
        /// <summary>False once the thing behind it is gone (an empty inspector slot, a destroyed
        /// renderer): it is then skipped, never called.</summary>
        bool IsAlive { get; }

        int ShapeCount { get; }

        string GetShapeName(int index);

        /// <summary>The weight of a fully on shape in the target's units: 100 for Unity's
        /// SkinnedMeshRenderer, 1 for VRM expressions.</summary>
        float FullWeight { get; }

        void SetWeight(int index, float weight);
    }

    /// <summary>How a rig's eyes follow the stream's gaze.</summary>
    public enum EyeDrive
    {
        /// <summary>Eye bones when the rig has them, else the eyeLook* blendshapes.</summary>
        Auto,
        /// <summary>Eye bones only; eyeLook* shapes stay at 0.</summary>
        Bones,
        /// <summary>eyeLook* shapes only; the eye bones stay at rest.</summary>
        Blendshapes,
        /// <summary>Both: only for rigs whose eyeLook* shapes move the lids, not the eyeballs.</summary>
        Both,
    }

    public static class EyeDriveRule
    {
        /// <summary>What <paramref name="mode"/> means for a rig with or without eye bones.</summary>
        public static void Resolve(EyeDrive mode, bool hasEyeBones, out bool turnEyeBones, out bool eyeLookShapes)
        {
            switch (mode)
            {
                case EyeDrive.Bones:
                    turnEyeBones = true;
                    eyeLookShapes = false;
                    break;
                case EyeDrive.Blendshapes:
                    turnEyeBones = false;
                    eyeLookShapes = true;
                    break;
                case EyeDrive.Both:
                    turnEyeBones = true;
                    eyeLookShapes = true;
                    break;
                default:
                    turnEyeBones = hasEyeBones;
                    eyeLookShapes = !hasEyeBones;
                    break;
            }
            turnEyeBones &= hasEyeBones;
        }
    }

    /// <summary>
    /// Drives a set of <see cref="IBlendshapeTarget"/>s from ARKit weights, each through its own
    /// <see cref="BlendshapeMap"/>. Null and dead targets are skipped, so an empty Face Renderers
    /// slot or a renderer destroyed at run time costs nothing and throws nothing.
    /// </summary>
    public sealed class FaceDriver
    {
        readonly IBlendshapeTarget[] m_Targets;
        readonly BlendshapeMap[] m_Maps;
        readonly float[][] m_Weights;

        /// <param name="automatic">False: only <paramref name="remap"/>'s rows drive anything (VRM expressions).</param>
        public FaceDriver(IList<IBlendshapeTarget> targets, IList<BlendshapeRemap> remap = null, bool automatic = true)
        {
            var n = targets == null ? 0 : targets.Count;
            m_Targets = new IBlendshapeTarget[n];
            m_Maps = new BlendshapeMap[n];
            m_Weights = new float[n][];
            for (var i = 0; i < n; i++)
            {
                var target = targets[i];
                if (target == null || !target.IsAlive)
                    continue;
                var names = new string[target.ShapeCount];
                for (var s = 0; s < names.Length; s++)
                    names[s] = target.GetShapeName(s);
                m_Targets[i] = target;
                m_Maps[i] = new BlendshapeMap(names, remap, automatic);
                m_Weights[i] = new float[names.Length];
            }
        }

        /// <summary>Each target's map, by slot; null for a skipped slot.</summary>
        public IList<BlendshapeMap> Maps { get { return m_Maps; } }

        /// <summary>Writes every live target's driven shapes from <paramref name="arkitWeights"/>.</summary>
        public void Apply(float[] arkitWeights, bool eyeLookShapes = true)
        {
            for (var i = 0; i < m_Targets.Length; i++)
            {
                var target = m_Targets[i];
                if (target == null || !target.IsAlive)
                    continue;
                var map = m_Maps[i];
                var weights = m_Weights[i];
                map.Evaluate(arkitWeights, weights, eyeLookShapes);
                var full = target.FullWeight;
                var driven = map.DrivenRigIndices;
                for (var d = 0; d < driven.Count; d++)
                    target.SetWeight(driven[d], weights[driven[d]] * full);
            }
        }

        /// <summary>Every driven shape to 0: the neutral face.</summary>
        public void ApplyRest()
        {
            for (var i = 0; i < m_Targets.Length; i++)
            {
                var target = m_Targets[i];
                if (target == null || !target.IsAlive)
                    continue;
                var driven = m_Maps[i].DrivenRigIndices;
                for (var d = 0; d < driven.Count; d++)
                    target.SetWeight(driven[d], 0f);
            }
        }
    }
}
