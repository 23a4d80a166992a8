using System;
using NUnit.Framework;

namespace TalkingTogether.Bridge.Tests
{
    /// <summary>Where a rig goes on its seat (<see cref="RigPlacement"/>), with rigs whose root is
    /// at their feet, as Ready Player Me and VRM rigs are.</summary>
    [TestFixture]
    public class PlacementTests
    {
        // A seated person's neck base, 1.05 m up, in room frame R, facing +X in R (yaw -90°).
        static readonly Anchor Seat = new Anchor(new Vec3f(0.6f, 1.05f, -0.4f), (float)(-Math.PI / 2));
        // A seated rig: root at the feet, the neck 1.05 m above them and 0.25 m behind them.
        static readonly Vec3f SeatedNeck = new Vec3f(0f, 1.05f, -0.25f);
        // A standing rig (T-pose): the neck 1.45 m above the feet.
        static readonly Vec3f StandingNeck = new Vec3f(0f, 1.45f, -0.02f);

        [Test]
        public void SeatedRigHasItsNeckOnTheAnchorAndItsFeetOnTheFloor()
        {
            var placed = RigPlacement.OnSeat(RigidTransform.Identity, Seat, SeatedNeck, Vec3f.Zero);
            Assertions.Near(UnitySpace.ToUnity(Seat.Position), placed.Neck);
            Assert.AreEqual(0f, placed.Root.Translation.y, 1e-5, "the feet stand on the STAGE floor");
            Assert.AreEqual(0f, placed.FeetAboveFloor, 1e-5);
            Assertions.SameRotation(UnitySpace.ToUnity(Seat.Rotation), placed.Root.Rotation);
            // The rest neck, seen from the placed root, is where the rig has it.
            Assertions.Near(placed.Neck, placed.Root.ApplyToPoint(SeatedNeck));
        }

        [Test]
        public void TheNeckNoLongerFloatsAtTwiceItsHeight()
        {
            var placed = RigPlacement.OnSeat(RigidTransform.Identity, Seat, SeatedNeck, Vec3f.Zero);
            // The old placement: root on the anchor, then the rest neck on top of it.
            var old = UnitySpace.ToUnity(Seat).ApplyToPoint(SeatedNeck);
            Assert.AreEqual(2.1f, old.y, 1e-5);
            Assert.AreEqual(1.05f, placed.Neck.y, 1e-5);
        }

        [Test]
        public void CalibrationMovesTheFloorWithTheRoom()
        {
            // R's origin 0.5 m up in the world (a raised floor), turned 30° about +Y.
            var calibration = new RigidTransform(Quatf.AngleAxis(0.5236f, new Vec3f(0f, 1f, 0f)), new Vec3f(2f, 0.5f, 1f));
            var placed = RigPlacement.OnSeat(calibration, Seat, SeatedNeck, Vec3f.Zero);
            Assert.AreEqual(0.5f, placed.Root.Translation.y, 1e-5);
            Assertions.Near(calibration.ApplyToPoint(UnitySpace.ToUnity(Seat.Position)), placed.Neck);
        }

        [Test]
        public void StreamedOffsetMovesTheNeckFromTheAnchorInTheSeatFrame()
        {
            var lean = new Vec3f(0f, -0.02f, 0.08f); // forward and down, in the anchor frame (Unity space)
            var placed = RigPlacement.OnSeat(RigidTransform.Identity, Seat, SeatedNeck, lean);
            var seat = UnitySpace.ToUnity(Seat);
            Assertions.Near(seat.Translation + seat.Rotation * lean, placed.Neck);
            Assert.AreEqual(0f, placed.Root.Translation.y, 1e-5, "leaning does not lift the body");
        }

        [Test]
        public void StandingRigFitsEitherByNeckOrByFeet()
        {
            var byNeck = RigPlacement.OnSeat(RigidTransform.Identity, Seat, StandingNeck, Vec3f.Zero, SeatFit.NeckOnAnchor);
            Assertions.Near(UnitySpace.ToUnity(Seat.Position), byNeck.Neck);
            Assert.AreEqual(1.05f - 1.45f, byNeck.FeetAboveFloor, 1e-5, "the mismatch is reported");

            var byFeet = RigPlacement.OnSeat(RigidTransform.Identity, Seat, StandingNeck, Vec3f.Zero, SeatFit.FeetOnFloor);
            Assert.AreEqual(0f, byFeet.Root.Translation.y, 1e-5);
            Assert.AreEqual(1.45f, byFeet.Neck.y, 1e-5);
            var anchor = UnitySpace.ToUnity(Seat.Position);
            Assert.AreEqual(anchor.x, byFeet.Neck.x, 1e-5, "still over the seat");
            Assert.AreEqual(anchor.z, byFeet.Neck.z, 1e-5);
        }

        [Test]
        public void RigPlacedByHandMovesOnlyItsNeck()
        {
            var root = new RigidTransform(Quatf.AngleAxis(1f, new Vec3f(0f, 1f, 0f)), new Vec3f(1f, 0f, 2f));
            var neck = RigPlacement.NeckInPlace(root, SeatedNeck, new Vec3f(0f, 0f, 0.1f));
            Assertions.Near(root.ApplyToPoint(new Vec3f(0f, 1.05f, -0.15f)), neck);
        }
    }
}
