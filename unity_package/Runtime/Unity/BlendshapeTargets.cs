using UnityEngine;

namespace TalkingTogether.Bridge
{
    /// <summary>A SkinnedMeshRenderer's blendshapes as a Core <see cref="IBlendshapeTarget"/>.
    /// An empty slot or a destroyed renderer is not alive, so Core skips it.</summary>
    public sealed class SkinnedMeshBlendshapeTarget : IBlendshapeTarget
    {
        readonly SkinnedMeshRenderer m_Renderer;

        public SkinnedMeshBlendshapeTarget(SkinnedMeshRenderer renderer)
        {
            m_Renderer = renderer;
        }

        public SkinnedMeshRenderer Renderer { get { return m_Renderer; } }

        // Unity's == tells a destroyed renderer from a live one; a plain null check does not.
        public bool IsAlive { get { return m_Renderer != null && m_Renderer.sharedMesh != null; } }

        public int ShapeCount { get { return IsAlive ? m_Renderer.sharedMesh.blendShapeCount : 0; } }

        public string GetShapeName(int index) { return m_Renderer.sharedMesh.GetBlendShapeName(index); }

        public float FullWeight { get { return 100f; } }

        public void SetWeight(int index, float weight) { m_Renderer.SetBlendShapeWeight(index, weight); }
    }

    /// <summary>
    /// Base class for components that take ARKit-driven weights by name through some other API,
    /// chiefly a VRM 1.0 runtime's expressions: list them in <see cref="CoPresentAvatar"/>'s
    /// <i>Expression Targets</i> and pick the <see cref="BlendshapePreset.Vrm10Expressions"/>
    /// preset. <c>Vrm10Expressions</c> (Runtime/Vrm, compiled when UniVRM is installed) is the
    /// UniVRM 1.0 one.
    /// </summary>
    public abstract class BlendshapeTargetBehaviour : MonoBehaviour, IBlendshapeTarget
    {
        /// <summary>Enabled and not destroyed.</summary>
        public virtual bool IsAlive { get { return this != null && isActiveAndEnabled; } }

        public abstract int ShapeCount { get; }

        public abstract string GetShapeName(int index);

        /// <summary>1 for VRM expressions, 100 for mesh blendshapes.</summary>
        public virtual float FullWeight { get { return 1f; } }

        public abstract void SetWeight(int index, float weight);
    }
}
