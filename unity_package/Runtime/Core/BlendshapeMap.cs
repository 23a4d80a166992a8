using System;
using System.Collections.Generic;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// One row of a per-rig remap table: drive the rig's blendshape <see cref="RigName"/> from
    /// ARKit's <see cref="ArkitName"/>, times <see cref="Scale"/>. Rigs name shapes their own way
    /// ("Mouth_Open", "blendShape1.jawOpen") or split one ARKit shape in two; a table row per
    /// target covers both.
    /// </summary>
    [Serializable]
    public struct BlendshapeRemap
    {
        public string ArkitName;
        public string RigName;
        public float Scale;

        public BlendshapeRemap(string arkitName, string rigName, float scale = 1f)
        {
            ArkitName = arkitName;
            RigName = rigName;
            Scale = scale;
        }
    }

    /// <summary>
    /// Which rig blendshape each ARKit weight drives. Built once per mesh, from the mesh's shape
    /// names and an optional remap table, so that the per-frame path is an array walk.
    /// Names match exactly, then case-insensitively, then after the last '.' or '_' prefix that
    /// exporters add (Maya's "blendShape1.", "ARKit_"). A remap row replaces the automatic match
    /// for its ARKit name.
    /// </summary>
    public sealed class BlendshapeMap
    {
        /// <summary>A rig shape driven by an ARKit weight.</summary>
        public struct Target
        {
            public int ArkitIndex;
            public int RigIndex;
            public float Scale;
        }

        readonly Target[] m_Targets;

        public IList<Target> Targets { get { return m_Targets; } }

        /// <summary>ARKit names that drive no rig shape, in ARKit order.</summary>
        public IList<string> Missing { get; private set; }

        public BlendshapeMap(IList<string> rigNames, IList<BlendshapeRemap> remap = null)
        {
            if (rigNames == null)
                throw new ArgumentNullException("rigNames");
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
                        targets.Add(new Target { ArkitIndex = k, RigIndex = r, Scale = row.Scale });
                }
            }
            for (var k = 0; k < Arkit.BlendshapeCount; k++)
            {
                if (remapped[k])
                    continue;
                var r = IndexOfRigName(rigNames, Arkit.BlendshapeNames[k]);
                if (r >= 0)
                    targets.Add(new Target { ArkitIndex = k, RigIndex = r, Scale = 1f });
            }
            m_Targets = targets.ToArray();

            var driven = new bool[Arkit.BlendshapeCount];
            foreach (var t in m_Targets)
                driven[t.ArkitIndex] = true;
            var missing = new List<string>();
            for (var k = 0; k < Arkit.BlendshapeCount; k++)
                if (!driven[k])
                    missing.Add(Arkit.BlendshapeNames[k]);
            Missing = missing.AsReadOnly();
        }

        /// <summary>Writes each target's weight, ARKit weight times scale times
        /// <paramref name="rigFullScale"/> (100 for Unity's SkinnedMeshRenderer), through
        /// <paramref name="setWeight"/>(rigIndex, weight).</summary>
        public void Apply(float[] arkitWeights, float rigFullScale, Action<int, float> setWeight)
        {
            for (var i = 0; i < m_Targets.Length; i++)
            {
                var t = m_Targets[i];
                setWeight(t.RigIndex, arkitWeights[t.ArkitIndex] * t.Scale * rigFullScale);
            }
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
                if (string.Equals(StripPrefix(rigNames[i]), wanted, StringComparison.OrdinalIgnoreCase))
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
