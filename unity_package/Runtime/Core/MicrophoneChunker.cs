using System;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// Reading a microphone's looping ring buffer (Unity's <c>Microphone</c> clip) in whole blocks:
    /// the block size divides the ring, so that a block never straddles the wrap and the reader
    /// needs one fixed-size array. Main thread.
    /// </summary>
    public sealed class MicrophoneRing
    {
        readonly int m_RingFrames;
        int m_Read = -1;

        /// <param name="ringFrames">The clip's length in sample frames (lengthSec × frequency).</param>
        /// <param name="frequency">Its sample rate; blocks are at most 10 ms of it.</param>
        public MicrophoneRing(int ringFrames, int frequency)
        {
            if (ringFrames <= 0)
                throw new ArgumentOutOfRangeException("ringFrames");
            if (frequency <= 0)
                throw new ArgumentOutOfRangeException("frequency");
            m_RingFrames = ringFrames;
            var most = Math.Max(1, Math.Min(ringFrames / 4, frequency / 100));
            BlockFrames = 1;
            for (var d = most; d >= 1; d--)
            {
                if (ringFrames % d == 0)
                {
                    BlockFrames = d;
                    break;
                }
            }
        }

        public int BlockFrames { get; private set; }

        public int RingFrames { get { return m_RingFrames; } }

        /// <summary>Times the reader fell so far behind that it skipped ahead.</summary>
        public int Overruns { get; private set; }

        /// <summary>Frames written and not read yet, for the device's write position.</summary>
        public int Available(int writePosition)
        {
            return m_Read < 0 ? 0 : ((writePosition - m_Read) % m_RingFrames + m_RingFrames) % m_RingFrames;
        }

        /// <summary>The start frame of the next whole block to read, or -1 when less than a block
        /// is waiting; call until -1. <paramref name="framesNewer"/>: how many frames were written
        /// after the block's last one (its age, in frames).</summary>
        public int NextBlock(int writePosition, out int framesNewer)
        {
            framesNewer = 0;
            if (writePosition < 0 || writePosition >= m_RingFrames)
                return -1;
            if (m_Read < 0)
            {
                m_Read = writePosition / BlockFrames * BlockFrames; // start with what comes next
                return -1;
            }
            var available = Available(writePosition);
            if (available > m_RingFrames - 2 * BlockFrames)
            {
                // About to be lapped (or lapped): drop the backlog, keep the newest.
                Overruns++;
                m_Read = writePosition / BlockFrames * BlockFrames;
                return -1;
            }
            if (available < BlockFrames)
                return -1;
            var start = m_Read;
            m_Read = (m_Read + BlockFrames) % m_RingFrames;
            framesNewer = available - BlockFrames;
            return start;
        }

        /// <summary>Start again from the device's next block (after a pause, or a hitch longer than the ring).</summary>
        public void Reset()
        {
            m_Read = -1;
        }
    }

    /// <summary>
    /// Turns microphone samples (any rate, any channel count, floats in [-1, 1]) into the chunks
    /// the service's <c>Animate</c> takes: mono, 16 kHz by default, PCM16 little-endian, of a fixed
    /// duration (40 ms: the server refuses chunks under 10 ms), each stamped with the local-clock
    /// time of its newest sample for <c>AudioChunk.client_capture_time_ns</c>. Downsampling runs a
    /// moving average over the rate ratio (a cheap anti-alias filter) then linear interpolation;
    /// output is the same whatever the block sizes it is fed in.
    /// </summary>
    public sealed class MicrophoneChunker
    {
        readonly int m_InputRate;
        readonly int m_Channels;
        readonly double m_Step;
        readonly float[] m_Box;
        readonly short[] m_Chunk;
        double m_BoxSum;
        int m_BoxNext;
        int m_BoxCount;
        long m_InputCount;
        double m_NextPosition;
        float m_Last;
        int m_ChunkFill;

        /// <param name="chunkSeconds">Duration of one chunk; at least 10 ms.</param>
        public MicrophoneChunker(int inputRate, int channels, int outputRate = 16000, double chunkSeconds = 0.04)
        {
            if (inputRate <= 0)
                throw new ArgumentOutOfRangeException("inputRate");
            if (channels <= 0)
                throw new ArgumentOutOfRangeException("channels");
            if (outputRate <= 0)
                throw new ArgumentOutOfRangeException("outputRate");
            if (!(chunkSeconds >= 0.01))
                throw new ArgumentOutOfRangeException("chunkSeconds", "the service refuses chunks under 10 ms");
            m_InputRate = inputRate;
            m_Channels = channels;
            OutputRate = outputRate;
            m_Step = (double)inputRate / outputRate;
            m_Box = new float[Math.Max(1, (int)Math.Round(m_Step))];
            ChunkSamples = (int)Math.Round(chunkSeconds * outputRate);
            m_Chunk = new short[ChunkSamples];
            Reset();
        }

        public int OutputRate { get; private set; }

        /// <summary>Samples per chunk (640 for 40 ms at 16 kHz); a chunk is twice as many bytes.</summary>
        public int ChunkSamples { get; private set; }

        /// <summary>Forgets everything buffered (a new stream starts from fresh audio).</summary>
        public void Reset()
        {
            Array.Clear(m_Box, 0, m_Box.Length);
            m_BoxSum = 0;
            m_BoxNext = 0;
            m_BoxCount = 0;
            m_InputCount = 0;
            m_NextPosition = 0;
            m_Last = 0f;
            m_ChunkFill = 0;
        }

        /// <summary>Adds <paramref name="frames"/> interleaved sample frames from
        /// <paramref name="samples"/>[<paramref name="offset"/>..], the last of which was captured
        /// at <paramref name="newestFrameTimeNs"/> on the local clock. Each chunk that fills is
        /// handed to <paramref name="onChunk"/> as a new PCM16 byte array with the capture time of
        /// its newest sample.</summary>
        public void Write(float[] samples, int offset, int frames, long newestFrameTimeNs, Action<byte[], long> onChunk)
        {
            if (samples == null)
                throw new ArgumentNullException("samples");
            if (offset < 0 || frames < 0 || offset + frames * m_Channels > samples.Length)
                throw new ArgumentOutOfRangeException("frames");
            var lastIndex = m_InputCount + frames - 1; // global index of the block's newest frame
            for (var f = 0; f < frames; f++)
            {
                float mono = 0f;
                var at = offset + f * m_Channels;
                for (var c = 0; c < m_Channels; c++)
                    mono += samples[at + c];
                mono /= m_Channels;

                // Moving average over the rate ratio: a low-pass before decimation.
                if (m_BoxCount == m_Box.Length)
                    m_BoxSum -= m_Box[m_BoxNext];
                else
                    m_BoxCount++;
                m_Box[m_BoxNext] = mono;
                m_BoxSum += mono;
                m_BoxNext = (m_BoxNext + 1) % m_Box.Length;
                var filtered = (float)(m_BoxSum / m_BoxCount);

                var n = m_InputCount;
                while (m_NextPosition <= n)
                {
                    var value = n == 0 ? filtered : m_Last + (float)(m_NextPosition - (n - 1)) * (filtered - m_Last);
                    m_Chunk[m_ChunkFill++] = ToPcm16(value);
                    if (m_ChunkFill == ChunkSamples)
                    {
                        var age = (lastIndex - m_NextPosition) / m_InputRate;
                        onChunk(ChunkBytes(), newestFrameTimeNs - (long)(age * 1e9));
                        m_ChunkFill = 0;
                    }
                    m_NextPosition += m_Step;
                }
                m_Last = filtered;
                m_InputCount++;
            }
        }

        byte[] ChunkBytes()
        {
            var bytes = new byte[ChunkSamples * 2];
            for (var i = 0; i < ChunkSamples; i++)
            {
                var s = m_Chunk[i];
                bytes[2 * i] = (byte)s;
                bytes[2 * i + 1] = (byte)(s >> 8);
            }
            return bytes;
        }

        static short ToPcm16(float value)
        {
            if (value >= 1f)
                return short.MaxValue;
            if (value <= -1f)
                return -short.MaxValue;
            return (short)Math.Round(value * short.MaxValue);
        }
    }
}
