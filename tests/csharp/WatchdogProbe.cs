// The Unity package's connection supervisor (Runtime/Core ConnectionSupervisor, StreamReceiver,
// JitterBuffer), run under Mono against a real server. Mono has no gRPC HTTP/2 client, so the
// frame source here is a subprocess (tests/csharp/frame_relay.py) that subscribes to the server
// with Python gRPC and relays each response as a JSON line; the supervisor above it, with its
// connect timeout, stall watchdog, backoff and generation rules, is the very code the Unity client
// runs. Driven by tests/test_unity_watchdog.py, which freezes, kills and restarts the server.
//
//   mono WatchdogProbe.exe PYTHON RELAY.py HOST:PORT STALL_S CONNECT_S BACKOFF_MAX_S
//
// Prints, flushed, one event per line:
//   STATE <seconds> <State> <reason>
//   STATS <seconds> frames=<relayed this process> received=<this stream> fps=<received fps> pose=<True|False>
// and runs until stdin closes.

using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using TalkingTogether.Bridge;

static class WatchdogProbe
{
    static readonly object s_Out = new object();
    static readonly Stopwatch s_Clock = Stopwatch.StartNew();

    static void Emit(string line)
    {
        lock (s_Out)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    static string Now { get { return s_Clock.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture); } }

    static int Main(string[] args)
    {
        var source = new RelayFrameSource(args[0], args[1], args[2]);
        var settings = new SupervisorSettings
        {
            StallTimeout = double.Parse(args[3], CultureInfo.InvariantCulture),
            ConnectTimeout = double.Parse(args[4], CultureInfo.InvariantCulture),
            BackoffInitial = 0.5,
            BackoffMax = double.Parse(args[5], CultureInfo.InvariantCulture),
        };
        var receiver = new StreamReceiver();
        var supervisor = new ConnectionSupervisor(receiver, settings);
        supervisor.StateChanged += (state, reason) => Emit("STATE " + Now + " " + state + " " + reason.Replace('\n', ' '));
        supervisor.Start(source);

        var stdinClosed = Task.Run(() => { while (Console.In.ReadLine() != null) { } });
        var nextStats = 0.0;
        while (!stdinClosed.IsCompleted)
        {
            receiver.Update(MonotonicClock.NowSeconds);
            if (s_Clock.Elapsed.TotalSeconds >= nextStats)
            {
                nextStats = s_Clock.Elapsed.TotalSeconds + 0.25;
                var s = receiver.Statistics;
                Emit(string.Format(CultureInfo.InvariantCulture, "STATS {0} frames={1} received={2} fps={3:F1} pose={4}",
                                   Now, source.Frames, s.Received, s.ReceivedFps, receiver.Feed.HasPose));
            }
            Thread.Sleep(14); // about 72 Hz
        }
        supervisor.Stop();
        supervisor.Completion.Wait(5000);
        return 0;
    }

    /// <summary>An IFrameSource whose attempts are relay subprocesses: one per attempt, killed
    /// when the supervisor cancels it (its watchdog or connect timeout).</summary>
    sealed class RelayFrameSource : IFrameSource
    {
        static readonly Regex s_Sequence = new Regex("\"sequence\":\"?(\\d+)");
        static readonly Regex s_Capture = new Regex("\"captureTimeNs\":\"?(-?\\d+)");
        static readonly Regex s_Fps = new Regex("\"fps\":(\\d+)");
        static readonly Regex s_Code = new Regex("\"code\":(-?\\d+)");
        readonly string m_Python;
        readonly string m_Relay;
        readonly string m_Address;
        long m_Frames;

        public RelayFrameSource(string python, string relay, string address)
        {
            m_Python = python;
            m_Relay = relay;
            m_Address = address;
        }

        public long Frames { get { return Interlocked.Read(ref m_Frames); } }

        public async Task RunAsync(IFrameSink sink, CancellationToken token)
        {
            var start = new ProcessStartInfo(m_Python, "\"" + m_Relay + "\" " + m_Address)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            using (var process = Process.Start(start))
            {
                var stderr = process.StandardError.ReadToEndAsync();
                using (token.Register(() => Kill(process)))
                {
                    var frame = new AnimationFrame();
                    string line;
                    while ((line = await process.StandardOutput.ReadLineAsync().ConfigureAwait(false)) != null)
                    {
                        if (line.StartsWith("{\"header\"", StringComparison.Ordinal))
                        {
                            var fps = s_Fps.Match(line);
                            sink.OnHeader(new StreamHeader { Fps = fps.Success ? int.Parse(fps.Groups[1].Value) : 25 });
                        }
                        else if (line.StartsWith("{\"frame\"", StringComparison.Ordinal))
                        {
                            var seq = s_Sequence.Match(line);
                            var capture = s_Capture.Match(line);
                            frame.Sequence = seq.Success ? long.Parse(seq.Groups[1].Value) : 0; // proto3 JSON omits a 0
                            frame.CaptureTimeNs = capture.Success ? long.Parse(capture.Groups[1].Value) : 0;
                            sink.OnFrame(frame);
                            Interlocked.Increment(ref m_Frames);
                        }
                        else if (line.StartsWith("{\"status\"", StringComparison.Ordinal))
                        {
                            var code = s_Code.Match(line);
                            if (code.Success && code.Groups[1].Value != "0")
                                throw new IOException("server status " + code.Groups[1].Value);
                            return;
                        }
                    }
                    process.WaitForExit();
                    token.ThrowIfCancellationRequested();
                    var error = (await stderr.ConfigureAwait(false)).Trim();
                    if (process.ExitCode != 0)
                        throw new IOException("relay exited " + process.ExitCode + ": " + LastLine(error));
                }
            }
        }

        static string LastLine(string text)
        {
            var lines = text.Split('\n');
            return lines.Length == 0 ? "" : lines[lines.Length - 1].Trim();
        }

        static void Kill(Process process)
        {
            try
            {
                if (!process.HasExited)
                    process.Kill();
            }
            catch (InvalidOperationException)
            {
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
        }
    }
}
