"""The console script as users run it: real processes, a real port, SIGTERM to stop."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from serving import CLI, free_port, wait_serving


@pytest.mark.parametrize("command", ["serve", "client", "demo", "data", "calibrate", "view"])
def test_every_command_explains_itself(command: str) -> None:
    result = subprocess.run([*CLI, command, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "usage:" in result.stdout


def test_serve_subscribe_client_and_sigterm(dialogue_wav: Path, tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen([*CLI, "serve", "--source", str(dialogue_wav), "--animator", "baseline", "--port", str(port)], stderr=subprocess.PIPE, text=True)
    try:
        wait_serving(f"127.0.0.1:{port}")
        out = tmp_path / "frames.jsonl"
        client = subprocess.run(
            [*CLI, "client", "--server", f"127.0.0.1:{port}", "--max-frames", "50", "--out", str(out)],
            capture_output=True, text=True, timeout=60,
        )
        assert client.returncode == 0, client.stderr
        assert "frames 50" in client.stdout and "p95" in client.stdout
        lines = out.read_text().splitlines()
        assert '"header"' in lines[0] and len(lines) == 51
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=30)
    assert server.returncode == 0, stderr
    assert "shutting down" in stderr


def test_serve_with_a_missing_file_says_so() -> None:
    result = subprocess.run([*CLI, "serve", "--source", "/no/such/file.wav", "--port", str(free_port())], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "audio file not found: /no/such/file.wav" in result.stderr


def test_client_against_no_server_fails_clearly(dialogue_wav: Path) -> None:
    env = dict(os.environ, GRPC_ENABLE_FORK_SUPPORT="0")
    result = subprocess.run([*CLI, "client", "--server", f"127.0.0.1:{free_port()}", "--audio", str(dialogue_wav), "--fast"], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 1
    assert "UNAVAILABLE" in result.stderr
