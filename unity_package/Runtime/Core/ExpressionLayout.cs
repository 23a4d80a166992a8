using System;
using System.Collections.Generic;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// Reorders the server's expression vector into ARKit order. The server names its weights
    /// once, in the stream header, as Audio2Face-3D does; honouring the names rather than assuming
    /// the order keeps a client correct against a server whose order differs.
    /// </summary>
    public sealed class ExpressionLayout
    {
        readonly int[] m_ArkitIndexOfWire;

        /// <summary>Names the server sent but ARKit has not; their weights are dropped.</summary>
        public IList<string> Unknown { get; private set; }

        /// <summary>ARKit names the server did not send; they stay at 0.</summary>
        public IList<string> Missing { get; private set; }

        public ExpressionLayout(IList<string> wireNames)
        {
            if (wireNames == null)
                throw new ArgumentNullException("wireNames");
            m_ArkitIndexOfWire = new int[wireNames.Count];
            var seen = new bool[Arkit.BlendshapeCount];
            var unknown = new List<string>();
            for (var i = 0; i < wireNames.Count; i++)
            {
                var k = Arkit.IndexOf(wireNames[i]);
                if (k >= 0 && seen[k])
                    throw new ArgumentException("Duplicate expression name: " + wireNames[i], "wireNames");
                if (k >= 0)
                    seen[k] = true;
                else
                    unknown.Add(wireNames[i]);
                m_ArkitIndexOfWire[i] = k;
            }
            var missing = new List<string>();
            for (var k = 0; k < Arkit.BlendshapeCount; k++)
                if (!seen[k])
                    missing.Add(Arkit.BlendshapeNames[k]);
            Unknown = unknown.AsReadOnly();
            Missing = missing.AsReadOnly();
        }

        /// <summary>The layout of a server that follows the contract's order.</summary>
        public static ExpressionLayout Contract { get { return new ExpressionLayout(Arkit.BlendshapeNames); } }

        /// <summary>Writes <paramref name="wire"/> into <paramref name="arkit"/> (52 long),
        /// clamped to [0, 1] because rigs overshoot visibly on out-of-range weights.</summary>
        public void ToArkit(IList<float> wire, float[] arkit)
        {
            Array.Clear(arkit, 0, Arkit.BlendshapeCount);
            var n = Math.Min(wire.Count, m_ArkitIndexOfWire.Length);
            for (var i = 0; i < n; i++)
            {
                var k = m_ArkitIndexOfWire[i];
                if (k >= 0)
                    arkit[k] = Math.Max(0f, Math.Min(1f, wire[i]));
            }
        }

        /// <summary>The same from the first <paramref name="count"/> values of an array, without
        /// the interface call per weight.</summary>
        public void ToArkit(float[] wire, int count, float[] arkit)
        {
            Array.Clear(arkit, 0, Arkit.BlendshapeCount);
            var n = Math.Min(count, m_ArkitIndexOfWire.Length);
            for (var i = 0; i < n; i++)
            {
                var k = m_ArkitIndexOfWire[i];
                if (k >= 0)
                    arkit[k] = Math.Max(0f, Math.Min(1f, wire[i]));
            }
        }
    }
}
