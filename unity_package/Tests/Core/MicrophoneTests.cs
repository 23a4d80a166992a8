using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace TalkingTogether.Bridge.Tests
{
    /// <summary>The headset microphone's engine-free half: reading Unity's looping microphone
    /// clip in whole blocks (<see cref="MicrophoneRing"/>) and turning what it reads into the
    /// service's 16 kHz PCM16 chunks (<see cref="MicrophoneChunker"/>).</summary>
    [TestFixture]
    public class MicrophoneTests
    {
        static float[] Sine(int rate, int channels, double hz, double seconds, double amplitude = 0.5)
        {
            var frames = (int)(rate * seconds);
            var samples = new float[frames * channels];
            for (var i = 0; i < frames; i++)
                for (var c = 0; c < channels; c++)
                    samples[i * channels + c] = (float)(amplitude * Math.Sin(2 * Math.PI * hz * i / rate));
            return samples;
        }

        static List<short> Decode(List<byte[]> chunks)
        {
            var samples = new List<short>();
            foreach (var chunk in chunks)
                for (var i = 0; i < chunk.Length; i += 2)
                    samples.Add((short)(chunk[i] | chunk[i + 1] << 8));
            return samples;
        }

        [Test]
        public void RingBlocksDivideTheRingAndNeverStraddleTheWrap()
        {
            foreach (var rate in new[] { 48000, 44100, 16000, 22050, 11025 })
            {
                var ring = new MicrophoneRing(rate, rate);
                Assert.AreEqual(0, rate % ring.BlockFrames, "rate " + rate);
                Assert.LessOrEqual(ring.BlockFrames, rate / 100);
                Assert.Greater(ring.BlockFrames, rate / 200, "blocks of close to 10 ms");
            }
            var r = new MicrophoneRing(48000, 48000);
            int newer;
            Assert.AreEqual(-1, r.NextBlock(47000, out newer), "the first call only aligns");
            var read = new List<int>();
            var position = 47000;
            for (var step = 0; step < 10; step++)
            {
                position = (position + 700) % 48000; // the device writes 700 frames per Unity frame
                int start;
                while ((start = r.NextBlock(position, out newer)) >= 0)
                {
                    Assert.LessOrEqual(start + r.BlockFrames, 48000, "a block past the ring's end");
                    read.Add(start);
                }
            }
            for (var i = 1; i < read.Count; i++)
                Assert.AreEqual((read[i - 1] + r.BlockFrames) % 48000, read[i], "contiguous across the wrap");
            Assert.Greater(read.Count, 10);
            Assert.AreEqual(0, r.Overruns);
        }

        [Test]
        public void RingSkipsAheadWhenLappedAndReportsTheAge()
        {
            var r = new MicrophoneRing(16000, 16000);
            int newer;
            r.NextBlock(0, out newer);
            Assert.AreEqual(0, r.NextBlock(480, out newer));
            Assert.AreEqual(320, newer, "320 frames came after the block's last");
            Assert.AreEqual(-1, r.NextBlock(15990, out newer), "almost a whole ring behind");
            Assert.AreEqual(1, r.Overruns);
        }

        [Test]
        public void ResamplesA48kHzSineTo16kHzChunks()
        {
            var chunker = new MicrophoneChunker(48000, 1);
            Assert.AreEqual(640, chunker.ChunkSamples);
            var chunks = new List<byte[]>();
            var input = Sine(48000, 1, 440, 1.0);
            chunker.Write(input, 0, 48000, 1000000000L, (pcm, t) => chunks.Add(pcm));
            Assert.AreEqual(25, chunks.Count, "one second is 25 chunks of 40 ms");
            Assert.IsTrue(chunks.TrueForAll(c => c.Length == 1280));
            var samples = Decode(chunks);
            var crossings = 0;
            var peak = 0;
            for (var i = 1; i < samples.Count; i++)
            {
                if (samples[i - 1] < 0 && samples[i] >= 0)
                    crossings++;
                peak = Math.Max(peak, Math.Abs((int)samples[i]));
            }
            Assert.AreEqual(440, crossings, 2, "the pitch survives");
            Assert.AreEqual(0.5 * short.MaxValue, peak, 0.02 * short.MaxValue, "and the level (the 3-tap average costs 440 Hz nothing audible)");
        }

        [Test]
        public void OutputDoesNotDependOnHowTheInputIsCut()
        {
            var input = Sine(44100, 2, 300, 0.5, 0.3);
            var whole = new List<byte[]>();
            var a = new MicrophoneChunker(44100, 2);
            a.Write(input, 0, input.Length / 2, 0, (pcm, t) => whole.Add(pcm));
            var pieces = new List<byte[]>();
            var b = new MicrophoneChunker(44100, 2);
            var rng = new Random(3);
            var at = 0;
            while (at < input.Length / 2)
            {
                var n = Math.Min(rng.Next(1, 900), input.Length / 2 - at);
                b.Write(input, at * 2, n, 0, (pcm, t) => pieces.Add(pcm));
                at += n;
            }
            Assert.AreEqual(whole.Count, pieces.Count);
            CollectionAssert.AreEqual(Decode(whole), Decode(pieces));
            Assert.AreEqual(Math.Floor(0.5 * 16000 / 640), whole.Count);
        }

        [Test]
        public void StereoIsDownmixedAnd16kHzPassesThrough()
        {
            var chunker = new MicrophoneChunker(16000, 2, 16000, 0.01);
            var input = new float[160 * 2];
            for (var i = 0; i < 160; i++)
            {
                input[2 * i] = 0.5f;
                input[2 * i + 1] = -0.1f;
            }
            byte[] chunk = null;
            chunker.Write(input, 0, 160, 0, (pcm, t) => chunk = pcm);
            Assert.IsNotNull(chunk);
            var samples = Decode(new List<byte[]> { chunk });
            Assert.AreEqual(160, samples.Count);
            Assert.IsTrue(samples.TrueForAll(s => s == (short)Math.Round(0.2 * short.MaxValue)));
        }

        [Test]
        public void ChunksAreStampedWithTheirNewestSample()
        {
            var chunker = new MicrophoneChunker(48000, 1);
            var stamps = new List<long>();
            // 100 ms of input whose last frame was captured at t = 10 s.
            chunker.Write(new float[4800], 0, 4800, 10000000000L, (pcm, t) => stamps.Add(t));
            Assert.AreEqual(2, stamps.Count);
            // Chunk 1 ends with output sample 639 (input frame 1917), chunk 2 with 1279 (frame 3837).
            Assert.AreEqual(10000000000L - (long)((4799 - 1917) / 48000.0 * 1e9), stamps[0], 30000);
            Assert.AreEqual(stamps[0] + 40000000L, stamps[1], 30000);
        }

        [Test]
        public void RefusesChunksTheServerWouldRefuse()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new MicrophoneChunker(48000, 1, 16000, 0.005));
        }
    }
}
