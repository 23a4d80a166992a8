using System;
using System.Collections.Generic;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// One row of a per-rig remap table: ARKit's <see cref="ArkitName"/> drives the rig's shape
    /// (or VRM expression) <see cref="RigName"/> by <see cref="Scale"/> × weight ^
    /// <see cref="Exponent"/>. Rows add up: several ARKit shapes may drive one rig shape (say
    /// mouthSmileLeft and mouthSmileRight at 0.5 each into one "Smile"), and one ARKit shape may
    /// drive several (mouthFunnel into four CC4 quarter shapes). Rigs name shapes their own way
    /// ("Mouth_Open", "blendShape1.jawOpen"); a row per pair covers both.
    /// </summary>
    [Serializable]
    public struct BlendshapeRemap
    {
        public string ArkitName;
        public string RigName;
        /// <summary>The gain: 1 drives the shape unchanged, 0.5 half way.</summary>
        public float Scale;
        /// <summary>The response curve, weight ^ Exponent before the gain: 1 (or 0, unset) is
        /// linear, above 1 holds small weights back (a jaw that chatters), below 1 brings them up.</summary>
        public float Exponent;

        public BlendshapeRemap(string arkitName, string rigName, float scale = 1f, float exponent = 1f)
        {
            ArkitName = arkitName;
            RigName = rigName;
            Scale = scale;
            Exponent = exponent;
        }
    }

    /// <summary>
    /// Which rig blendshapes each ARKit weight drives, and how much. Built once per mesh (or VRM
    /// expression set) from its shape names and an optional remap table, so that the per-frame
    /// path is an array walk with no allocation. Without a row for an ARKit name, it drives the
    /// rig shape of the same name: matched exactly, then case-insensitively, then after the last
    /// '.' or '_' prefix that exporters add (Maya's "blendShape1.", "ARKit_"). Rows for an ARKit
    /// name replace that automatic match. Contributions to one rig shape are summed, then clamped
    /// to [0, 1] of the shape's full weight.
    /// </summary>
    public sealed class BlendshapeMap
    {
        /// <summary>A rig shape driven by an ARKit weight.</summary>
        public struct Target
        {
            public int ArkitIndex;
            public int RigIndex;
            public float Scale;
            public float Exponent;
        }

        readonly Target[] m_Targets;
        readonly int[] m_Driven;
        readonly float[] m_Sum;

        public IList<Target> Targets { get { return m_Targets; } }

        /// <summary>The rig shapes this map writes, each once, ascending.</summary>
        public IList<int> DrivenRigIndices { get { return m_Driven; } }

        /// <summary>ARKit names that drive no rig shape, in ARKit order.</summary>
        public IList<string> Missing { get; private set; }

        /// <summary>How many shapes the rig has.</summary>
        public int RigShapeCount { get; private set; }

        /// <param name="rigNames">The rig's shape names, by rig index.</param>
        /// <param name="remap">Rows that replace the automatic match of their ARKit names.</param>
        /// <param name="automatic">False: only the rows drive anything (for VRM expressions,
        /// whose names are not ARKit's).</param>
        public BlendshapeMap(IList<string> rigNames, IList<BlendshapeRemap> remap = null, bool automatic = true)
        {
            if (rigNames == null)
                throw new ArgumentNullException("rigNames");
            RigShapeCount = rigNames.Count;
            var targets = new List<Target>();
            var remapped = new bool[Arkit.BlendshapeCount];
            if (remap != null)
            {
                foreach (var row in remap)
                {
                    var k = Arkit.IndexOf(row.ArkitName);
                    if (k < 0)
                        throw new ArgumentException("Not an ARKit blendshape: " + row.ArkitName, "remap");
                    remapped[k] = true;
                    var r = IndexOfRigName(rigNames, row.RigName);
                    if (r >= 0)
                        targets.Add(new Target { ArkitIndex = k, RigIndex = r, Scale = row.Scale, Exponent = row.Exponent > 0f ? row.Exponent : 1f });
                }
            }
            for (var k = 0; automatic && k < Arkit.BlendshapeCount; k++)
            {
                if (remapped[k])
                    continue;
                var r = IndexOfRigName(rigNames, Arkit.BlendshapeNames[k]);
                if (r >= 0)
                    targets.Add(new Target { ArkitIndex = k, RigIndex = r, Scale = 1f, Exponent = 1f });
            }
            m_Targets = targets.ToArray();

            var driven = new bool[Arkit.BlendshapeCount];
            var rigDriven = new SortedSet<int>();
            foreach (var t in m_Targets)
            {
                driven[t.ArkitIndex] = true;
                rigDriven.Add(t.RigIndex);
            }
            m_Driven = new int[rigDriven.Count];
            rigDriven.CopyTo(m_Driven);
            m_Sum = new float[RigShapeCount];
            var missing = new List<string>();
            for (var k = 0; k < Arkit.BlendshapeCount; k++)
                if (!driven[k])
                    missing.Add(Arkit.BlendshapeNames[k]);
            Missing = missing.AsReadOnly();
        }

        /// <summary>Sums every row into <paramref name="rigWeights"/> (rig-indexed, in [0, 1]) for
        /// the driven shapes only; others are left alone. Without <paramref name="eyeLookShapes"/>
        /// the eyeLook* rows count as 0, for rigs whose eye bones turn instead.</summary>
        public void Evaluate(float[] arkitWeights, float[] rigWeights, bool eyeLookShapes = true)
        {
            for (var i = 0; i < m_Driven.Length; i++)
                rigWeights[m_Driven[i]] = 0f;
            for (var i = 0; i < m_Targets.Length; i++)
            {
                var t = m_Targets[i];
                if (!eyeLookShapes && Arkit.IsEyeLook(t.ArkitIndex))
                    continue;
                var w = arkitWeights[t.ArkitIndex];
                if (w <= 0f)
                    continue;
                if (t.Exponent != 1f)
                    w = (float)Math.Pow(w, t.Exponent);
                rigWeights[t.RigIndex] += w * t.Scale;
            }
            for (var i = 0; i < m_Driven.Length; i++)
            {
                var r = m_Driven[i];
                rigWeights[r] = Math.Max(0f, Math.Min(1f, rigWeights[r]));
            }
        }

        /// <summary>Writes each driven rig shape once, its summed weight times
        /// <paramref name="rigFullScale"/> (100 for Unity's SkinnedMeshRenderer), through
        /// <paramref name="setWeight"/>(rigIndex, weight).</summary>
        public void Apply(float[] arkitWeights, float rigFullScale, Action<int, float> setWeight, bool eyeLookShapes = true)
        {
            Evaluate(arkitWeights, m_Sum, eyeLookShapes);
            for (var i = 0; i < m_Driven.Length; i++)
                setWeight(m_Driven[i], m_Sum[m_Driven[i]] * rigFullScale);
        }

        static int IndexOfRigName(IList<string> rigNames, string wanted)
        {
            if (string.IsNullOrEmpty(wanted))
                return -1;
            for (var i = 0; i < rigNames.Count; i++)
                if (rigNames[i] == wanted)
                    return i;
            for (var i = 0; i < rigNames.Count; i++)
                if (string.Equals(rigNames[i], wanted, StringComparison.OrdinalIgnoreCase))
                    return i;
            for (var i = 0; i < rigNames.Count; i++)
                if (rigNames[i] != null && string.Equals(StripPrefix(rigNames[i]), wanted, StringComparison.OrdinalIgnoreCase))
                    return i;
            return -1;
        }

        static string StripPrefix(string name)
        {
            var cut = name.LastIndexOfAny(new[] { '.', '_' });
            return cut >= 0 ? name.Substring(cut + 1) : name;
        }
    }
}
