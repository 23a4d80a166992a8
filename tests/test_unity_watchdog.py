"""The Unity client's connection supervisor against a real server on loopback that freezes, dies and
comes back mid-stream.

What is real: the Python service (`talking-together serve`, a separate process, frames from the
demo dialogue over gRPC on loopback), the process signals (SIGSTOP freezes it with its sockets
open, like a dead Wi-Fi link or a hung host; SIGKILL kills it; a new server then starts on the same
port), and the supervisor: Runtime/Core's ConnectionSupervisor, StreamReceiver and JitterBuffer,
built from the package's sources and run under Mono, with the timings the Unity client uses (2 s
stall watchdog, 5 s connect timeout, backoff from 0.5 s).

What is not: the transport. Mono has no gRPC HTTP/2 client and YetAnotherHttpHandler is native
Unity code, so the probe's IFrameSource runs tests/csharp/frame_relay.py per attempt: a Python gRPC
subscriber that relays each response as a JSON line (the client's --out format) over a pipe, and is
killed when the supervisor gives up on the attempt. YetAnotherHttpHandler's keepalive is not
exercised here; the watchdog is what must notice, whatever the transport does.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path


from csharp import mono_build
from serving import CLI, free_port, wait_serving

HERE = Path(__file__).parent
PROBE = HERE / "csharp" / "WatchdogProbe.cs"
RELAY = HERE / "csharp" / "frame_relay.py"
STALL_S = 2.0
CONNECT_S = 5.0
BACKOFF_MAX_S = 2.0


class Probe:
    """The Mono probe's event lines, each stamped with when this process read it."""

    def __init__(self, cmd: list[str]):
        self.process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, bufsize=1)
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.log: list[str] = []
        self.frames = 0
        self.pose = False
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put((time.monotonic(), line.rstrip("\n")))

    def wait_for(self, predicate, timeout_s: float, what: str) -> tuple[float, str]:
        deadline = time.monotonic() + timeout_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {what}; the probe said:\n" + "\n".join(self.log[-40:]))
            try:
                at, line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if not line.startswith("STATS"):
                self.log.append(line)
            else:
                fields = dict(f.split("=", 1) for f in line.split()[2:])
                self.frames = int(fields["frames"])
                self.pose = fields["pose"] == "True"
            if predicate(line):
                return at, line

    def state(self, name: str, timeout_s: float, reason: str = "") -> float:
        at, _ = self.wait_for(lambda l: l.startswith("STATE ") and l.split()[2] == name and reason in l, timeout_s,
                              f"state {name} {reason!r}")
        return at

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(port: int, wav: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [*CLI, "serve", "--source", str(wav), "--loop", "--animator", "baseline", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


def test_watchdog_reconnects_through_a_frozen_killed_and_restarted_server(dialogue_wav, tmp_path):
    mono_build.require("mcs", "mono")
    core = mono_build.build_core(tmp_path)
    exe = mono_build.mcs(tmp_path / "WatchdogProbe.exe", [PROBE], references=[core], target="exe")
    port = free_port()
    address = f"127.0.0.1:{port}"
    servers = [start_server(port, dialogue_wav)]
    probe = None
    try:
        wait_serving(address, timeout_s=120)
        probe = Probe(["mono", str(exe), sys.executable, str(RELAY), address, str(STALL_S), str(CONNECT_S), str(BACKOFF_MAX_S)])

        # 1. Streaming: two seconds of frames, and the receiver shows a pose.
        probe.state("Streaming", 60)
        probe.wait_for(lambda l: l.startswith("STATS") and probe.frames >= 50 and probe.pose, 30, "50 frames")

        # 2. Freeze the server: its socket stays open and says nothing. The watchdog must fire.
        frozen_at = time.monotonic()
        os.killpg(servers[0].pid, signal.SIGSTOP)
        stalled_at = probe.state("Stalled", STALL_S + 5)
        assert STALL_S - 0.3 <= stalled_at - frozen_at <= STALL_S + 1.0, f"watchdog after {stalled_at - frozen_at:.2f} s"
        probe.state("Reconnecting", 5, "stalled")
        probe.state("Connecting", BACKOFF_MAX_S + 3)

        # 3. The frozen server still accepts TCP but never answers: the connect timeout ends the attempt.
        probe.state("Reconnecting", CONNECT_S + 10, "connect timeout")

        # 4. Kill it and start a new server on the same port: the stream comes back by itself.
        stop_server(servers[0])
        frames_before = probe.frames
        servers.append(start_server(port, dialogue_wav))
        wait_serving(address, timeout_s=120)
        probe.state("Streaming", 60)
        probe.wait_for(lambda l: l.startswith("STATS") and probe.frames >= frames_before + 50 and probe.pose, 30,
                       "50 frames from the new server")
        print(f"watchdog fired {stalled_at - frozen_at:.2f} s after the freeze; the probe said:")
        print("\n".join(probe.log))
    finally:
        if probe is not None:
            probe.close()
        for server in servers:
            try:
                os.killpg(server.pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
            stop_server(server)
