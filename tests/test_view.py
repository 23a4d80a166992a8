"""`talking-together view` end to end: a real server (tokens on) streams one person reading alone, `view` bridges
its room to a page, and headless Chromium (Debian's, driven by Playwright) renders it with three.js. Screenshots
must show both heads where the layout puts them, and the speaker's mouth must move on screen while the
listener's stays still. Also: a recording played over the WebSocket at 25 fps, the listener's guards, and
one-line failures for a missing token and a bad recording."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import numpy as np
import pytest
import soundfile as sf
from serving import CLI, free_port

from talking_together.contract import ARKIT_BLENDSHAPES, FPS, SAMPLE_RATE, SCHEMA_VERSION
from talking_together.replay.recording import RecordingWriter
from talking_together.service.auth import new_token
from talking_together.service.config import SecurityConfig, ServerConfig, ServiceLimits
from talking_together.service.server import BackgroundServer
from talking_together.v1 import recording_pb2 as rpb
from talking_together.v1 import talking_together_pb2 as pb
from talking_together.view.server import host_allowed

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    "--use-angle=swiftshader", "--enable-unsafe-swiftshader",  # WebGL on the CPU: three.js needs it
]
WIDTH, HEIGHT = 800, 500
SOLO_S = 8.0
ROOT = Path(__file__).resolve().parents[1]
# A's and B's colours in view.js (hue in degrees), and the mouth's inside: the test finds them by hue.
HUE = {0: 27.0, 1: 210.0}
MOUTH_HUE = 349.0


def solo_speech(path: Path) -> Path:
    """About 8 s of one person reading alone: a LibriSpeech test reader when the real-speech data is here, else espeak-ng."""
    from talking_together.data import real_speech

    try:
        clip = next(c for r in real_speech.readers("test") for c in r.clips if sf.info(c).duration >= SOLO_S)
        audio, rate = sf.read(str(clip), dtype="float32")
    except FileNotFoundError:
        from talking_together.data.espeak import synthesize

        audio, rate = synthesize("I was reading about the old harbour, where the boats come in every morning before the sun is up.").audio, SAMPLE_RATE
    sf.write(path, audio[: int(SOLO_S * rate)], rate, subtype="PCM_16")
    return path


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A baseline server whose room loops one reader; Subscribe needs a token with the subscribe scope."""
    root = tmp_path_factory.mktemp("view")
    tokens = root / "tokens.json"
    secret = new_token(tokens, "viewer", "subscribe")
    config = ServerConfig(port=0, animator="baseline", source=str(solo_speech(root / "solo.wav")), loop_source=True,
                          layout_prompt="across_table", limits=ServiceLimits(max_sessions=2), security=SecurityConfig(tokens=str(tokens)))
    with BackgroundServer(config) as server:
        yield {"address": server.address, "token": secret, "root": root}


def start_view(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """`talking-together view ARGS` on a free loopback port, once its page answers."""
    port = free_port()
    proc = subprocess.Popen([*CLI, "view", *args, "--port", str(port)], cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"view exited with {proc.returncode}: {proc.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return proc, url
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("view's page never answered")


def stop(proc: subprocess.Popen) -> str:
    """SIGTERM, as a user's Ctrl-C; view must exit 0 at once. Returns its log."""
    proc.terminate()
    _, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    return err


def run_view(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "TALKING_TOGETHER_TOKEN"} | (env or {})
    return subprocess.run([*CLI, "view", *args, "--port", str(free_port())], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=60)


# ------------------------------------------------------------------------------- pixels


def hue_mask(image: np.ndarray, hue: float) -> np.ndarray:
    """Pixels of a saturated colour within 15 degrees of `hue`, whatever the shading."""
    rgb = image[..., :3].astype(np.float64) / 255
    top, low = rgb.max(-1), rgb.min(-1)
    chroma = top - low
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(top == r, ((g - b) / chroma) % 6, np.where(top == g, (b - r) / chroma + 2, (r - g) / chroma + 4)) * 60
    return (chroma > 0.25) & (np.abs((h - hue + 180) % 360 - 180) < 15)


def box(image: np.ndarray, centre: dict, half: int) -> np.ndarray:
    x, y = int(round(centre["x"])), int(round(centre["y"]))
    return image[max(0, y - half): y + half, max(0, x - half): x + half].astype(np.float64)


def png(data: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


# --------------------------------------------------------------------------------- tests


@pytest.mark.slow
def test_page_shows_both_heads_and_the_speakers_mouth_moves(room: dict) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (.ci/apt-packages.txt)")
    from playwright.sync_api import sync_playwright

    view, url = start_view("--server", room["address"], env={"TALKING_TOGETHER_TOKEN": room["token"]})
    errors: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(url)
            page.wait_for_function("() => window.talkingTogether && window.talkingTogether.frames >= 10", timeout=20_000)
            assert page.locator("#VRButton").count() == 1, "no Enter VR button"  # says VR NOT SUPPORTED without a headset

            shots = []
            for _ in range(12):  # ~4.5 s of the reader's speech, pauses between words included
                # The page draws every frame as it comes: read B's jaw before and after the screenshot, so a
                # shot counts as "jaw shut" only when no frame between the two reads opened it.
                jaw_before = page.evaluate("""() => { const t = window.talkingTogether;
                    return t.last.participants.map((p) => p.expression[t.header.expression_names.indexOf('jawOpen')]); }""")
                data = page.screenshot()
                shots.append(page.evaluate("""() => { const t = window.talkingTogether; return {
                    jaw: t.last.participants.map((p) => p.expression[t.header.expression_names.indexOf('jawOpen')]),
                    speaking: t.last.participants.map((p) => p.speaking), latency: t.latency.screen.slice(-1)[0],
                    mouth: [t.screenOf(0), t.screenOf(1)], head: [t.screenOf(0, [0, 0.09, 0]), t.screenOf(1, [0, 0.09, 0])],
                    words: [...document.querySelectorAll('.person .word')].map((e) => e.textContent) }; }"""))
                shots[-1]["image"] = png(data)
                shots[-1]["jaw_before"] = jaw_before
                time.sleep(0.3)
            browser.close()
    finally:
        log = stop(view)
    assert not errors, errors
    assert "Traceback" not in log

    first = shots[0]
    # Both heads, where across_table puts them for a camera on the room's +Z side: A left, B right.
    for who in (0, 1):
        head = first["head"][who]
        assert (head["x"] < WIDTH / 2) == (who == 0) and 0.2 * HEIGHT < head["y"] < 0.8 * HEIGHT, first["head"]
        region = box(first["image"], head, 25)
        assert hue_mask(region, HUE[who]).mean() > 0.5, f"{'AB'[who]}'s head is not on screen where the page puts it"
        assert hue_mask(region, HUE[1 - who]).mean() < 0.01
    # The reader is A (the first voice heard), and each person's indicator says what their frame says.
    assert any(s["speaking"][0] >= 0.5 for s in shots), [s["speaking"] for s in shots]
    for s in shots:
        assert s["words"] == ["speaking" if p >= 0.5 else "listening" for p in s["speaking"]], s

    def mouth_change(who: int) -> float:
        """The largest mean pixel change in a person's mouth region between two screenshots."""
        crops = [box(s["image"], first["mouth"][who], 12) for s in shots]
        return max(np.abs(a - b).mean() for i, a in enumerate(crops) for b in crops[i + 1:])

    jaw_a = [s["jaw"][0] for s in shots]
    assert max(jaw_a) - min(jaw_a) > 0.15, f"A's jaw hardly moved while A spoke: {jaw_a}"
    assert mouth_change(0) > 8.0, "A's mouth region did not change on screen while A spoke"
    # How much open mouth shows, wherever the head has moved: it varies for the speaker, and not for the
    # listener while the listener's jaw is shut.
    shown = [[hue_mask(box(s["image"], s["mouth"][who], 15), MOUTH_HUE).mean() for s in shots] for who in (0, 1)]
    shut = [shown[1][i] for i, s in enumerate(shots) if max(s["jaw"][1], s["jaw_before"][1]) < 0.05]
    assert len(shut) >= 4, f"B's jaw was open in most shots, though B mostly listens: {[s['jaw'][1] for s in shots]}"
    span_a, span_b = max(shown[0]) - min(shown[0]), max(shut) - min(shut)
    assert span_a > 0.02 and span_b < 0.3 * span_a, f"open mouth on screen, A {shown[0]}, B {shown[1]}"
    # Capture to screen on one clock: positive, and seconds at worst on a loaded CPU (not the epoch's 1e12 ms).
    latencies = [s["latency"] for s in shots]
    assert all(0 < ms < 10_000 for ms in latencies), latencies


def write_recording(path: Path, frames: int) -> None:
    """A small recording through the project's writer: a header, `frames` frames 40 ms apart, a final status."""
    writer = RecordingWriter(path, rpb.SessionConfig(recorder="test", animator="baseline"))
    layout = pb.Layout(anchors=[pb.Anchor(position=pb.Vec3(x=-0.6, y=1.05), yaw_rad=-1.5708),
                                pb.Anchor(position=pb.Vec3(x=0.6, y=1.05), yaw_rad=1.5708)], description="across_table")
    writer.on_message(pb.AnimateResponse(header=pb.ServerHeader(schema_version=SCHEMA_VERSION, fps=FPS, layout=layout, animator="baseline",
                                                                expression_names=ARKIT_BLENDSHAPES, epoch_offset_ns=time.time_ns() - time.monotonic_ns())))
    start = time.monotonic_ns()
    for i in range(frames):
        person = pb.ParticipantFrame(head=pb.Quat(w=1), neck=pb.Quat(w=1), left_eye=pb.Quat(w=1), right_eye=pb.Quat(w=1),
                                     expression=[0.0] * len(ARKIT_BLENDSHAPES), head_world=pb.Pose(rotation=pb.Quat(w=1)))
        capture = start + i * 1_000_000_000 // FPS
        writer.on_message(pb.AnimateResponse(frame=pb.Frame(sequence=i, capture_time_ns=capture, emit_time_ns=capture + 5_000_000,
                                                            participants=[person, person])))
    writer.on_message(pb.AnimateResponse(status=pb.FinalStatus(code=0, frame_count=frames)))
    writer.close()


def test_recording_plays_at_25_fps_and_the_listener_guards_itself(tmp_path: Path) -> None:
    path = tmp_path / "room.mcap"
    write_recording(path, frames=30)
    view, url = start_view(str(path))
    ws_url = url.replace("http", "ws") + "ws"

    async def watch() -> tuple[list[dict], list[float], list[int]]:
        refused = []
        async with aiohttp.ClientSession() as session:
            for headers in ({"Origin": "http://evil.example"}, {"Host": "evil.example"}):
                async with session.get(ws_url, headers={"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                                                        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", **headers}) as response:
                    refused.append(response.status)
            messages, arrivals = [], []
            async with session.ws_connect(ws_url, origin=url.rstrip("/")) as ws:
                async for msg in ws:
                    messages.append(msg.json())
                    arrivals.append(time.monotonic())
                    if messages[-1]["type"] == "frame":
                        await ws.send_str('{"type": "ack"}')  # as the page does: the bridge sends on when a frame is taken
                    elif messages[-1]["type"] == "status":
                        break
        return messages, arrivals, refused

    messages, arrivals, refused = asyncio.run(asyncio.wait_for(watch(), 30))
    _, err = view.communicate(timeout=15)
    assert view.returncode == 0, err  # the recording ended: so does view
    assert refused == [403, 421], "a page from another site, or a rebound host name, reached the room"
    kinds = [m["type"] for m in messages]
    assert kinds[0] == "header" and kinds.count("frame") == 30 and kinds[-1] == "status"
    header = messages[0]
    assert header["source"] == "recording" and len(header["anchors"]) == 2 and header["expression_names"][17] == "jawOpen"
    frames = [m for m in messages if m["type"] == "frame"]
    assert [f["sequence"] for f in frames] == list(range(30))
    assert len(frames[0]["participants"][0]["expression"]) == 52
    assert frames[0]["emit_ms"] - frames[0]["capture_ms"] == pytest.approx(5.0, abs=0.01)
    gaps = np.diff([t for t, m in zip(arrivals, messages) if m["type"] == "frame"])
    assert 0.03 < float(np.median(gaps)) < 0.05, f"not paced at 25 fps: median gap {np.median(gaps):.3f} s"


@pytest.mark.parametrize(("authority", "listen", "allowed"), [
    ("127.0.0.1:8765", "127.0.0.1", True), ("localhost:8765", "127.0.0.1", True), ("[::1]:8765", "::1", True),
    ("192.168.1.20:8765", "0.0.0.0", True),  # --insecure on a LAN: a browser there names the address
    ("viewer.lan:8765", "viewer.lan", True),
    ("evil.example:8765", "127.0.0.1", False), ("evil.example:8765", "0.0.0.0", False),  # DNS rebinding
])
def test_host_check(authority: str, listen: str, allowed: bool) -> None:
    assert host_allowed(authority, listen) is allowed


def one_error_line(done: subprocess.CompletedProcess) -> str:
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 1 and len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def test_no_token_is_one_clear_line(room: dict) -> None:
    line = one_error_line(run_view("--server", room["address"]))
    assert "UNAUTHENTICATED" in line and room["address"] in line


def test_bad_or_missing_recording_is_one_clear_line(tmp_path: Path) -> None:
    assert "no such file" in one_error_line(run_view(str(tmp_path / "missing.mcap")))
    junk = tmp_path / "junk.mcap"
    junk.write_bytes(b"not an mcap file at all" * 10)
    assert "not an MCAP file" in one_error_line(run_view(str(junk)))
