using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace TalkingTogether.Bridge.Tests
{
    /// <summary>Blendshape application (<see cref="FaceDriver"/>, <see cref="BlendshapeMap"/>):
    /// empty slots, summed rows with gain and curve, the eye switch, the presets.</summary>
    [TestFixture]
    public class FaceTests
    {
        static readonly int JawOpen = Arkit.IndexOf("jawOpen");
        static readonly int SmileLeft = Arkit.IndexOf("mouthSmileLeft");
        static readonly int SmileRight = Arkit.IndexOf("mouthSmileRight");
        static readonly int LookUpLeft = Arkit.IndexOf("eyeLookUpLeft");
        static readonly int BlinkLeft = Arkit.IndexOf("eyeBlinkLeft");

        /// <summary>A renderer stand-in that records what it is given.</summary>
        sealed class FakeTarget : IBlendshapeTarget
        {
            readonly string[] m_Names;
            public readonly float[] Weights;
            public int Calls;
            public bool Alive = true;
            public float Full = 100f;

            public FakeTarget(params string[] names)
            {
                m_Names = names;
                Weights = new float[names.Length];
            }

            public bool IsAlive { get { return Alive; } }
            public int ShapeCount { get { return m_Names.Length; } }
            public string GetShapeName(int index) { return m_Names[index]; }
            public float FullWeight { get { return Full; } }

            public void SetWeight(int index, float weight)
            {
                if (!Alive)
                    throw new InvalidOperationException("a dead renderer was written to");
                Weights[index] = weight;
                Calls++;
            }

            public float this[string name] { get { return Weights[Array.IndexOf(m_Names, name)]; } }
        }

        static float[] Weights(params object[] nameValue)
        {
            var w = new float[Arkit.BlendshapeCount];
            for (var i = 0; i < nameValue.Length; i += 2)
                w[Arkit.IndexOf((string)nameValue[i])] = Convert.ToSingle(nameValue[i + 1]);
            return w;
        }

        [Test]
        public void EmptyRendererSlotIsIgnored()
        {
            var face = new FakeTarget("jawOpen");
            var driver = new FaceDriver(new IBlendshapeTarget[] { null, face, null });
            Assert.IsNull(driver.Maps[0]);
            driver.Apply(Weights("jawOpen", 0.5f));
            driver.Apply(Weights("jawOpen", 0.25f));
            Assert.AreEqual(25f, face["jawOpen"], 1e-4);
        }

        [Test]
        public void RendererDestroyedAtRunTimeIsSkipped()
        {
            var face = new FakeTarget("jawOpen");
            var driver = new FaceDriver(new IBlendshapeTarget[] { face });
            driver.Apply(Weights("jawOpen", 1f));
            face.Alive = false; // Destroy(renderer): FakeTarget throws if written to now
            Assert.DoesNotThrow(() => driver.Apply(Weights("jawOpen", 0.5f)));
            Assert.DoesNotThrow(() => driver.ApplyRest());
            Assert.AreEqual(1, face.Calls);
        }

        [Test]
        public void RowsIntoOneShapeAreSummedNotOverwritten()
        {
            var face = new FakeTarget("Smile");
            var driver = new FaceDriver(new IBlendshapeTarget[] { face }, new[]
            {
                new BlendshapeRemap("mouthSmileLeft", "Smile", 0.5f),
                new BlendshapeRemap("mouthSmileRight", "Smile", 0.5f),
            });
            driver.Apply(Weights("mouthSmileLeft", 0.6f, "mouthSmileRight", 0.4f));
            Assert.AreEqual(50f, face["Smile"], 1e-4, "0.5 x 0.6 + 0.5 x 0.4, not the last row alone");
            Assert.AreEqual(1, face.Calls, "each rig shape is written once");
        }

        [Test]
        public void SumIsClampedToTheFullWeight()
        {
            var face = new FakeTarget("Open");
            var driver = new FaceDriver(new IBlendshapeTarget[] { face }, new[]
            {
                new BlendshapeRemap("jawOpen", "Open"),
                new BlendshapeRemap("mouthFunnel", "Open"),
            });
            driver.Apply(Weights("jawOpen", 0.9f, "mouthFunnel", 0.7f));
            Assert.AreEqual(100f, face["Open"], 1e-4);
        }

        [Test]
        public void GainAndCurveShapeTheResponse()
        {
            var map = new BlendshapeMap(new[] { "Jaw" }, new[] { new BlendshapeRemap("jawOpen", "Jaw", 0.8f, 2f) });
            var rig = new float[1];
            map.Evaluate(Weights("jawOpen", 0.5f), rig);
            Assert.AreEqual(0.8f * 0.25f, rig[0], 1e-6, "gain x weight ^ exponent");
            map.Evaluate(Weights("jawOpen", 1f), rig);
            Assert.AreEqual(0.8f, rig[0], 1e-6);
            // An unset exponent (0, as Unity leaves a new row) is linear.
            var linear = new BlendshapeMap(new[] { "Jaw" }, new[] { new BlendshapeRemap { ArkitName = "jawOpen", RigName = "Jaw", Scale = 1f } });
            linear.Evaluate(Weights("jawOpen", 0.3f), rig);
            Assert.AreEqual(0.3f, rig[0], 1e-6);
        }

        [Test]
        public void EyeLookShapesOnlyWhenTheEyeBonesDoNotTurn()
        {
            var face = new FakeTarget("eyeLookUpLeft", "eyeBlinkLeft");
            var driver = new FaceDriver(new IBlendshapeTarget[] { face });
            var w = Weights("eyeLookUpLeft", 0.7f, "eyeBlinkLeft", 0.4f);

            bool bones, shapes;
            EyeDriveRule.Resolve(EyeDrive.Auto, true, out bones, out shapes);
            Assert.IsTrue(bones);
            Assert.IsFalse(shapes, "eye bones turn: the eyeLook shapes would move the eyes twice");
            driver.Apply(w, shapes);
            Assert.AreEqual(0f, face["eyeLookUpLeft"]);
            Assert.AreEqual(40f, face["eyeBlinkLeft"], 1e-4, "other eye shapes are still driven");

            EyeDriveRule.Resolve(EyeDrive.Auto, false, out bones, out shapes);
            Assert.IsFalse(bones);
            Assert.IsTrue(shapes, "no eye bones: the shapes carry the gaze");
            driver.Apply(w, shapes);
            Assert.AreEqual(70f, face["eyeLookUpLeft"], 1e-4);

            EyeDriveRule.Resolve(EyeDrive.Both, true, out bones, out shapes);
            Assert.IsTrue(bones && shapes);
            EyeDriveRule.Resolve(EyeDrive.Blendshapes, true, out bones, out shapes);
            Assert.IsTrue(!bones && shapes);
            EyeDriveRule.Resolve(EyeDrive.Bones, false, out bones, out shapes);
            Assert.IsTrue(!bones && !shapes, "no bones to turn");
            Assert.IsTrue(Arkit.IsEyeLook(LookUpLeft));
            Assert.IsFalse(Arkit.IsEyeLook(BlinkLeft));
        }

        [Test]
        public void RestIsANeutralFace()
        {
            var face = new FakeTarget("jawOpen", "Unrelated");
            face.Weights[1] = 30f;
            var driver = new FaceDriver(new IBlendshapeTarget[] { face });
            driver.Apply(Weights("jawOpen", 1f));
            driver.ApplyRest();
            Assert.AreEqual(0f, face["jawOpen"]);
            Assert.AreEqual(30f, face["Unrelated"], "shapes it never drove are left alone");
        }

        [Test]
        public void Cc4PresetDrivesCc4NamesAndSplitsFunnel()
        {
            var names = new List<string>();
            foreach (var row in BlendshapePresets.Rows(BlendshapePreset.Cc4Extended))
                if (!names.Contains(row.RigName))
                    names.Add(row.RigName);
            var face = new FakeTarget(names.ToArray());
            var driver = new FaceDriver(new IBlendshapeTarget[] { face }, BlendshapePresets.Rows(BlendshapePreset.Cc4Extended));
            Assert.AreEqual(0, driver.Maps[0].Missing.Count, "every ARKit shape has a CC4 target");
            driver.Apply(Weights("jawOpen", 0.5f, "mouthSmileLeft", 0.3f, "mouthFunnel", 0.6f, "eyeBlinkLeft", 1f));
            Assert.AreEqual(50f, face["Jaw_Open"], 1e-4);
            Assert.AreEqual(30f, face["Mouth_Smile_L"], 1e-4);
            Assert.AreEqual(100f, face["Eye_Blink_L"], 1e-4);
            foreach (var quarter in new[] { "Mouth_Funnel_Up_L", "Mouth_Funnel_Up_R", "Mouth_Funnel_Down_L", "Mouth_Funnel_Down_R" })
                Assert.AreEqual(60f, face[quarter], 1e-4, quarter);
        }

        [Test]
        public void Vrm10PresetSetsExpressionsByName()
        {
            var vrm = new FakeTarget(BlendshapePresets.Vrm10ExpressionNames) { Full = 1f };
            var driver = new FaceDriver(new IBlendshapeTarget[] { vrm }, BlendshapePresets.Rows(BlendshapePreset.Vrm10Expressions),
                                        BlendshapePresets.MatchesArkitNames(BlendshapePreset.Vrm10Expressions));
            driver.Apply(Weights("jawOpen", 0.8f, "mouthSmileLeft", 0.6f, "mouthSmileRight", 0.2f, "eyeBlinkLeft", 1f,
                                 "eyeLookOutLeft", 0.4f, "eyeLookInRight", 0.4f));
            Assert.AreEqual(0.8f, vrm["aa"], 1e-5);
            Assert.AreEqual(0.4f, vrm["happy"], 1e-5, "half of each smile, summed");
            Assert.AreEqual(1f, vrm["blinkLeft"], 1e-5);
            Assert.AreEqual(0f, vrm["blink"], "blink is left to blinkLeft/blinkRight, or both eyes close twice");
            Assert.AreEqual(0.4f, vrm["lookLeft"], 1e-5);
            driver.Apply(Weights("eyeLookOutLeft", 0.4f, "eyeLookInRight", 0.4f), false);
            Assert.AreEqual(0f, vrm["lookLeft"], "the eye switch applies to VRM's look expressions too");
        }

        [Test]
        public void CustomRowsReplaceThePresetRowsOfTheirArkitName()
        {
            var rows = BlendshapePresets.Combine(BlendshapePreset.Cc4Extended, new[] { new BlendshapeRemap("jawOpen", "V_Open", 0.7f) });
            Assert.IsFalse(rows.Exists(r => r.ArkitName == "jawOpen" && r.RigName == "Jaw_Open"));
            Assert.IsTrue(rows.Exists(r => r.ArkitName == "jawOpen" && r.RigName == "V_Open"));
            Assert.IsTrue(rows.Exists(r => r.ArkitName == "mouthSmileLeft" && r.RigName == "Mouth_Smile_L"));
            Assert.AreEqual(0, BlendshapePresets.Rows(BlendshapePreset.ArkitNamed).Length);
        }

        [Test]
        public void ApplyWritesEachDrivenShapeOnce()
        {
            var map = new BlendshapeMap(new[] { "jawOpen", "Smile" }, new[]
            {
                new BlendshapeRemap("mouthSmileLeft", "Smile", 0.5f),
                new BlendshapeRemap("mouthSmileRight", "Smile", 0.5f),
            });
            var written = new List<int>();
            map.Apply(Weights("jawOpen", 0.2f, "mouthSmileLeft", 1f, "mouthSmileRight", 1f), 100f, (i, w) => written.Add(i));
            CollectionAssert.AreEquivalent(new[] { 0, 1 }, written);
            Assert.AreEqual(JawOpen, Arkit.IndexOf("JAWOPEN"));
            Assert.AreNotEqual(SmileLeft, SmileRight);
        }
    }
}
