using System;
using System.Linq;
using NUnit.Framework;

namespace TalkingTogether.Bridge.Tests
{
    [TestFixture]
    public class ExpressionTests
    {
        [Test]
        public void ArkitHas52UniqueNamesWithJawOpenAt17()
        {
            Assert.AreEqual(52, Arkit.BlendshapeNames.Length);
            Assert.AreEqual(52, Arkit.BlendshapeNames.Distinct().Count());
            Assert.AreEqual(17, Arkit.IndexOf("jawOpen"));
            Assert.AreEqual(17, Arkit.IndexOf("JAWOPEN"));
            Assert.AreEqual(-1, Arkit.IndexOf("mouthOpen"));
            Assert.AreEqual(-1, Arkit.IndexOf(null));
        }

        [Test]
        public void LayoutReordersClampsAndReports()
        {
            var layout = new ExpressionLayout(new[] { "jawOpen", "futureShape", "eyeBlinkLeft" });
            var arkit = new float[52];
            arkit[30] = 9f; // stale values are cleared
            layout.ToArkit(new[] { 0.5f, 0.9f, 1.5f }, arkit);
            Assert.AreEqual(0.5f, arkit[17]);
            Assert.AreEqual(1f, arkit[0]);
            Assert.AreEqual(0f, arkit[30]);
            CollectionAssert.AreEqual(new[] { "futureShape" }, layout.Unknown);
            Assert.AreEqual(50, layout.Missing.Count);
        }

        [Test]
        public void ContractLayoutIsTheIdentity()
        {
            var wire = Enumerable.Range(0, 52).Select(i => i / 52f).ToArray();
            var arkit = new float[52];
            ExpressionLayout.Contract.ToArkit(wire, arkit);
            CollectionAssert.AreEqual(wire, arkit);
            Assert.AreEqual(0, ExpressionLayout.Contract.Missing.Count);
        }

        [Test]
        public void LayoutRejectsDuplicates()
        {
            Assert.Throws<ArgumentException>(() => new ExpressionLayout(new[] { "jawOpen", "JawOpen" }));
        }

        [Test]
        public void MapMatchesExactCaseInsensitiveAndPrefixedNames()
        {
            var rig = new[] { "Body", "jawOpen", "EYEBLINKLEFT", "blendShape1.mouthSmileLeft", "ARKit_tongueOut" };
            var map = new BlendshapeMap(rig);
            var pairs = map.Targets.Select(t => Arkit.BlendshapeNames[t.ArkitIndex] + "->" + rig[t.RigIndex]).ToList();
            CollectionAssert.AreEquivalent(new[]
            {
                "jawOpen->jawOpen", "eyeBlinkLeft->EYEBLINKLEFT",
                "mouthSmileLeft->blendShape1.mouthSmileLeft", "tongueOut->ARKit_tongueOut",
            }, pairs);
            Assert.AreEqual(48, map.Missing.Count);
            CollectionAssert.DoesNotContain(map.Missing, "jawOpen");
        }

        [Test]
        public void RemapOverridesAndSplitsWithScale()
        {
            var rig = new[] { "jawOpen", "Mouth_Open_L", "Mouth_Open_R" };
            var map = new BlendshapeMap(rig, new[]
            {
                new BlendshapeRemap("jawOpen", "Mouth_Open_L", 0.5f),
                new BlendshapeRemap("jawOpen", "Mouth_Open_R", 0.5f),
            });
            var weights = new float[52];
            weights[17] = 0.8f;
            var written = new float[3];
            map.Apply(weights, 100f, (i, w) => written[i] = w);
            Assert.AreEqual(0f, written[0], "the remap replaces the automatic match");
            Assert.AreEqual(40f, written[1], 1e-4);
            Assert.AreEqual(40f, written[2], 1e-4);
        }

        [Test]
        public void RemapToAMissingRigShapeLeavesTheNameMissing()
        {
            var map = new BlendshapeMap(new[] { "jawOpen" }, new[] { new BlendshapeRemap("jawOpen", "NoSuchShape") });
            CollectionAssert.Contains(map.Missing, "jawOpen");
        }

        [Test]
        public void RemapRejectsNonArkitNames()
        {
            Assert.Throws<ArgumentException>(() => new BlendshapeMap(new string[0], new[] { new BlendshapeRemap("mouthOpen", "x") }));
        }

        [Test]
        public void FullArkitRigMissesNothing()
        {
            Assert.AreEqual(0, new BlendshapeMap(Arkit.BlendshapeNames).Missing.Count);
            Assert.AreEqual(52, new BlendshapeMap(new string[0]).Missing.Count);
        }
    }
}
