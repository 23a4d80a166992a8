using UnityEngine;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// Marks where the room frame R's origin (on the floor, at the calibration origin) lies in the
    /// Unity world, and which way its axes point: this transform's pose is the calibration.
    /// Place it by hand, or set it at run time from the room calibration (for example from the
    /// headset's STAGE space, whose convention R shares). Scale is ignored on purpose: the
    /// calibration is rigid, so avatars keep the real people's size.
    /// </summary>
    [AddComponentMenu("Talking Together/Room Anchor")]
    public sealed class RoomAnchor : MonoBehaviour
    {
        /// <summary>Room frame R (after conversion to Unity space) to Unity world.</summary>
        public RigidTransform Calibration
        {
            get { return new RigidTransform(transform.rotation.ToCore(), transform.position.ToCore()); }
        }

        /// <summary>Applies a calibration: R's origin at <paramref name="worldPosition"/>, its
        /// axes turned by <paramref name="worldRotation"/>, both in Unity world space.</summary>
        public void ApplyCalibration(Vector3 worldPosition, Quaternion worldRotation)
        {
            transform.SetPositionAndRotation(worldPosition, worldRotation);
        }

        void OnDrawGizmos()
        {
            // R's axes: +X red, +Y green, and R's forward (-Z, Unity's +Z) blue.
            var p = transform.position;
            Gizmos.color = Color.red;
            Gizmos.DrawLine(p, p + transform.right * 0.5f);
            Gizmos.color = Color.green;
            Gizmos.DrawLine(p, p + transform.up * 0.5f);
            Gizmos.color = Color.blue;
            Gizmos.DrawLine(p, p + transform.forward * 0.5f);
        }
    }
}
