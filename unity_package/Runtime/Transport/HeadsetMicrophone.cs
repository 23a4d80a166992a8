using System.Collections.Concurrent;
using System.Threading;
using UnityEngine;

namespace TalkingTogether.Bridge
{
    /// <summary>
    /// Captures this headset's own microphone (UnityEngine.Microphone) for a visitor who joins from
    /// elsewhere: put it in a <see cref="TalkingTogetherClient"/>'s <i>Microphone</i> field and the
    /// client animates it with <c>Animate</c> instead of joining the room with <c>Subscribe</c>.
    /// Each Update reads the microphone's ring in whole blocks (Core's <see cref="MicrophoneRing"/>),
    /// and Core's <see cref="MicrophoneChunker"/> makes 16 kHz mono PCM16 chunks of 40 ms, stamped
    /// with the capture time on <see cref="MonotonicClock"/>, which the server echoes per frame so
    /// the client's statistics show the latency from mouth to avatar on this device's clock.
    /// On Android (Quest) it asks for the microphone permission first.
    /// </summary>
    [AddComponentMenu("Talking Together/Headset Microphone")]
    [DisallowMultipleComponent]
    public sealed class HeadsetMicrophone : MonoBehaviour
    {
        const int RingSeconds = 1;
        const int MaxQueuedChunks = 25; // 1 s at 40 ms: older audio is dropped while nothing sends

        [Tooltip("Microphone device name; empty: the default (the headset's).")]
        [SerializeField] string m_Device = "";
        [Tooltip("Seconds per chunk sent to the service (at least 0.01; the server refuses shorter ones).")]
        [SerializeField] float m_ChunkSeconds = 0.04f;

        readonly ConcurrentQueue<Chunk> m_Queue = new ConcurrentQueue<Chunk>();
        System.Action<byte[], long> m_Enqueue;
        AudioClip m_Clip;
        MicrophoneRing m_Ring;
        MicrophoneChunker m_Chunker;
        float[] m_Block;
        bool m_WaitingForPermission;
        int m_StreamRequests;
        int m_StreamsBegun;

        struct Chunk
        {
            public byte[] Pcm;
            public long CaptureNs;
        }

        /// <summary>The rate of the chunks sent (the service's internal rate).</summary>
        public int OutputRate { get { return 16000; } }

        public string Device { get { return m_Device; } set { m_Device = value ?? ""; } }

        /// <summary>True while the microphone records.</summary>
        public bool IsCapturing { get { return m_Clip != null && Microphone.IsRecording(DeviceName); } }

        /// <summary>Chunks dropped because nothing was sending them.</summary>
        public int Dropped { get; private set; }

        string DeviceName { get { return string.IsNullOrEmpty(m_Device) ? null : m_Device; } }

        /// <summary>Any thread (the Animate source): a new stream starts; what is queued is dropped.</summary>
        public void BeginStream()
        {
            Interlocked.Increment(ref m_StreamRequests);
            Chunk stale;
            while (m_Queue.TryDequeue(out stale)) { }
        }

        /// <summary>Any thread: the next chunk to send, oldest first.</summary>
        public bool TryDequeue(out byte[] pcm, out long captureNs)
        {
            Chunk chunk;
            var ok = m_Queue.TryDequeue(out chunk);
            pcm = chunk.Pcm;
            captureNs = chunk.CaptureNs;
            return ok;
        }

        void OnEnable()
        {
            StartCapture();
        }

        void OnDisable()
        {
            StopCapture();
        }

        void OnApplicationPause(bool paused)
        {
            if (!isActiveAndEnabled)
                return;
            if (paused)
                StopCapture();
            else
                StartCapture();
        }

        void StartCapture()
        {
#if UNITY_ANDROID && !UNITY_EDITOR
            if (!UnityEngine.Android.Permission.HasUserAuthorizedPermission(UnityEngine.Android.Permission.Microphone))
            {
                m_WaitingForPermission = true;
                UnityEngine.Android.Permission.RequestUserPermission(UnityEngine.Android.Permission.Microphone);
                return;
            }
#endif
            m_WaitingForPermission = false;
            if (m_Clip != null)
                return;
            int minRate, maxRate;
            Microphone.GetDeviceCaps(DeviceName, out minRate, out maxRate);
            // Record at the service's rate when the device can, so that nothing is resampled.
            var rate = minRate == 0 && maxRate == 0 ? OutputRate : Mathf.Clamp(OutputRate, minRate, maxRate);
            m_Clip = Microphone.Start(DeviceName, true, RingSeconds, rate);
            if (m_Clip == null)
            {
                Debug.LogError("Headset Microphone: no microphone '" + (DeviceName ?? "default") + "' could start.", this);
                return;
            }
            m_Ring = new MicrophoneRing(m_Clip.samples, m_Clip.frequency);
            m_Chunker = new MicrophoneChunker(m_Clip.frequency, m_Clip.channels, OutputRate, Mathf.Max(0.01f, m_ChunkSeconds));
            m_Block = new float[m_Ring.BlockFrames * m_Clip.channels];
        }

        void StopCapture()
        {
            if (m_Clip != null)
                Microphone.End(DeviceName);
            m_Clip = null;
            m_Ring = null;
            m_Chunker = null;
        }

        void Update()
        {
            if (m_WaitingForPermission)
            {
                StartCapture(); // until the user has answered
                return;
            }
            if (m_Clip == null)
                return;
            var begun = Volatile.Read(ref m_StreamRequests);
            if (begun != m_StreamsBegun)
            {
                m_StreamsBegun = begun;
                m_Chunker.Reset();
            }
            if (Time.unscaledDeltaTime > RingSeconds * 0.5f)
                m_Ring.Reset(); // a hitch longer than half the ring: the backlog is unusable
            var position = Microphone.GetPosition(DeviceName);
            var now = MonotonicClock.NowNs;
            int newer, start;
            while ((start = m_Ring.NextBlock(position, out newer)) >= 0)
            {
                m_Clip.GetData(m_Block, start);
                var newest = now - (long)(newer * 1e9 / m_Clip.frequency);
                m_Chunker.Write(m_Block, 0, m_Ring.BlockFrames, newest, m_Enqueue ?? (m_Enqueue = Enqueue));
            }
        }

        void Enqueue(byte[] pcm, long captureNs)
        {
            m_Queue.Enqueue(new Chunk { Pcm = pcm, CaptureNs = captureNs });
            Chunk old;
            while (m_Queue.Count > MaxQueuedChunks && m_Queue.TryDequeue(out old))
                Dropped++;
        }
    }
}
