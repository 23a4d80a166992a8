using UnityEngine;
using UniVRM10;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// A VRM 1.0 avatar's expressions as a face target: the streamed weights go through the UniVRM
    /// runtime (<c>Vrm10Instance.Runtime.Expression.SetWeight</c>), so its own rules (overrides,
    /// blink against look-at) still apply, instead of writing the mesh blendshapes underneath it.
    /// Put it in <see cref="CoPresentAvatar"/>'s <i>Expression Targets</i> with the
    /// <see cref="BlendshapePreset.Vrm10Expressions"/> preset. Compiled only when UniVRM
    /// (<c>com.vrmc.vrm</c>) is in the project.
    /// </summary>
    [AddComponentMenu("Talking Together/VRM 1.0 Expressions")]
    public sealed class Vrm10Expressions : BlendshapeTargetBehaviour
    {
        [Tooltip("The avatar's VRM 1.0 instance; empty: the one on this object or above it.")]
        [SerializeField] Vrm10Instance m_Vrm;

        ExpressionKey[] m_Keys;

        void Awake()
        {
            if (m_Vrm == null)
                m_Vrm = GetComponentInParent<Vrm10Instance>();
            var names = BlendshapePresets.Vrm10ExpressionNames;
            m_Keys = new ExpressionKey[names.Length];
            for (var i = 0; i < names.Length; i++)
                m_Keys[i] = ExpressionKey.CreateFromPreset((ExpressionPreset)System.Enum.Parse(typeof(ExpressionPreset), names[i]));
        }

        public override bool IsAlive { get { return base.IsAlive && m_Vrm != null && m_Keys != null; } }

        public override int ShapeCount { get { return BlendshapePresets.Vrm10ExpressionNames.Length; } }

        public override string GetShapeName(int index) { return BlendshapePresets.Vrm10ExpressionNames[index]; }

        public override void SetWeight(int index, float weight)
        {
            m_Vrm.Runtime.Expression.SetWeight(m_Keys[index], weight);
        }
    }
}
