"""Input hygiene and least privilege (issue 18, part 4), against real loopback servers:
client strings cannot forge log lines, a session gets only the server's animator, structured
layouts are checked as prompts are, and loading a crafted checkpoint runs no code."""

from __future__ import annotations

import logging
import math
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import grpc
import numpy as np
import pytest
import soundfile as sf
import torch

from talking_together.animators.diffusion import shared_batcher
from talking_together.model import DEFAULT_CHECKPOINT, CheckpointError, load_generator
from talking_together.service.config import ServerConfig
from talking_together.service.hygiene import client_text
from talking_together.service.server import BackgroundServer
from talking_together.v1 import talking_together_pb2 as pb
from talking_together.v1 import talking_together_pb2_grpc as pb_grpc

INVALID = grpc.StatusCode.INVALID_ARGUMENT
PCM16_MONO_16K = pb.AudioFormat(sample_rate_hz=16000, channel_count=1, encoding=pb.AUDIO_ENCODING_PCM16)
SILENCE_1S = np.zeros(16000, dtype="<i2").tobytes()
FORGED = "bob\n2026-01-01 00:00:00,000 ERROR talking_together.service.auth: forged record\r\x1b[2J\u2028"


def animate(address: str, layout: pb.LayoutSpec = pb.LayoutSpec(), animator: str = "") -> list[pb.AnimateResponse]:
    header = pb.ClientHeader(audio_format=PCM16_MONO_16K, layout=layout, options=pb.AnimateOptions(animator=animator))
    requests = [pb.AnimateRequest(header=header), pb.AnimateRequest(audio=pb.AudioChunk(data=SILENCE_1S)), pb.AnimateRequest(end=pb.EndOfAudio())]
    with grpc.insecure_channel(address) as channel:
        return list(pb_grpc.TalkingTogetherStub(channel).Animate(iter(requests), timeout=30))


def refused(address: str, **kwargs: object) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as err:
        animate(address, **kwargs)
    return err.value


@pytest.fixture(scope="module")
def room_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundServer]:
    """A baseline server with a room session, looping 2 s of noise."""
    wav = tmp_path_factory.mktemp("room") / "noise.wav"
    sf.write(wav, (np.random.default_rng(0).standard_normal(32000) * 0.05).astype(np.float32), 16000, subtype="PCM_16")
    with BackgroundServer(ServerConfig(port=0, animator="baseline", source=str(wav), loop_source=True)) as server:
        yield server


def service_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("talking_together.service")]


# ---------------------------------------------------------------------- log injection


def test_client_text_is_one_printable_truncated_line() -> None:
    text = client_text(FORGED + "x" * 1_000_000, 80)
    assert "\n" not in text and "\r" not in text and "\x1b" not in text and "\u2028" not in text
    assert text.isprintable() and len(text) < 120 and text.endswith("chars)")


def test_newline_in_client_name_gives_one_escaped_record(room_server: BackgroundServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with grpc.insecure_channel(room_server.address) as channel:
        stream = pb_grpc.TalkingTogetherStub(channel).Subscribe(pb.SubscribeRequest(client_name=FORGED), timeout=30)
        assert next(stream).WhichOneof("payload") == "header"
        assert next(stream).WhichOneof("payload") == "frame"
        stream.cancel()
    lines = [r.getMessage() for r in service_records(caplog)]
    named = [line for line in lines if "bob" in line]
    assert len(named) == 1, lines  # joined: logged once; "left" names the subscriber by its tag
    assert "\n" not in named[0] and "\r" not in named[0] and "\x1b" not in named[0] and "\u2028" not in named[0]
    assert "\\n2026-01-01" in named[0]  # the newline is there, escaped
    assert not any("forged record" in line and "bob" not in line for line in lines)


def test_a_1_mib_client_name_is_refused_with_one_short_record(room_server: BackgroundServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    name = "A" * (1 << 20)
    with grpc.insecure_channel(room_server.address) as channel, pytest.raises(grpc.RpcError) as err:
        next(pb_grpc.TalkingTogetherStub(channel).Subscribe(pb.SubscribeRequest(client_name=name), timeout=30))
    assert err.value.code() == INVALID
    assert "client_name is 1048576 characters" in err.value.details() and "limit is 128" in err.value.details()
    assert len(err.value.details()) < 200
    records = [r.getMessage() for r in service_records(caplog) if "AAAA" in r.getMessage()]
    assert len(records) == 1 and len(records[0]) < 300 and "(+1048496 chars)" in records[0]


def test_layout_prompt_with_a_newline_is_logged_escaped(loopback_server: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    responses = animate(loopback_server, pb.LayoutSpec(prompt="across a table\nINFO forged: admin logged in"))
    assert responses[-1].status.code == 0
    sessions = [r.getMessage() for r in service_records(caplog) if "across a table" in r.getMessage()]
    assert len(sessions) == 1 and "\n" not in sessions[0] and "\\nINFO forged" in sessions[0]


@pytest.mark.parametrize(
    ("layout", "animator", "words"),
    [
        (pb.LayoutSpec(prompt="across " * 100_000), "", ("layout prompt is 700000 characters", "limit is 256")),
        (pb.LayoutSpec(preset="p" * 1000), "", ("layout preset is 1000 characters",)),
        (pb.LayoutSpec(), "x" * 100_000, ("options.animator is 100000 characters",)),
    ],
    ids=["prompt", "preset", "animator-option"],
)
def test_overlong_client_strings_are_refused(loopback_server: str, layout: pb.LayoutSpec, animator: str, words: tuple[str, ...]) -> None:
    error = refused(loopback_server, layout=layout, animator=animator)
    assert error.code() == INVALID
    assert all(w in error.details() for w in words) and len(error.details()) < 300


# ---------------------------------------------------------------------- least privilege


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def batcher_threads() -> int:
    """Python threads a diffusion model load starts (torch's own pool is not Python's; other tests' servers come and go)."""
    return sum(t.name == "diffusion-batcher" for t in threading.enumerate())


def test_an_animator_the_server_did_not_start_is_refused_without_a_load(loopback_server: str) -> None:
    """A baseline server asked for diffusion: INVALID_ARGUMENT naming the fix, and no model is loaded for the client."""
    assert animate(loopback_server, animator="baseline")[-1].status.code == 0  # its own animator, by name, is fine
    loaded, batchers, rss = shared_batcher.cache_info().currsize, batcher_threads(), rss_mib()
    for _ in range(3):
        error = refused(loopback_server, animator="diffusion")
        assert error.code() == INVALID
        assert "--animator baseline" in error.details() and "leave options.animator empty" in error.details()
    assert shared_batcher.cache_info().currsize == loaded  # the registry's set of loaded models is unchanged
    assert batcher_threads() == batchers  # a model load starts the engine's batcher thread
    assert rss_mib() - rss < 10.0  # and ~30 MiB (issue 18)
    unknown = refused(loopback_server, animator="gpt")
    assert unknown.code() == INVALID and "unknown animator 'gpt'" in unknown.details()
    with grpc.insecure_channel(loopback_server) as channel:
        assert pb_grpc.TalkingTogetherStub(channel).GetInfo(pb.GetInfoRequest(), timeout=10).animator == "baseline"


# ---------------------------------------------------------------------- structured layouts


def structured(a: tuple[float, float, float], b: tuple[float, float, float], yaw_a: float = 0.0, yaw_b: float = math.pi) -> pb.LayoutSpec:
    anchors = [pb.Anchor(position=pb.Vec3(x=p[0], y=p[1], z=p[2]), yaw_rad=y) for p, y in ((a, yaw_a), (b, yaw_b))]
    return pb.LayoutSpec(layout=pb.Layout(anchors=anchors, description="mine"))


@pytest.mark.parametrize(
    ("layout", "words"),
    [
        (structured((math.nan, 1.0, 0.0), (0.0, 1.0, -1.2)), ("anchor A's position", "not finite")),
        (structured((0.0, 1.0, 0.0), (0.0, math.inf, -1.2)), ("anchor B's position", "not finite")),
        (structured((0.0, 1.0, 0.0), (0.0, 1.0, -1.2), yaw_a=math.nan), ("anchor A's yaw_rad nan", "radians")),
        (structured((0.0, 1.0, 0.0), (0.0, 1.0, -1.2), yaw_b=180.0), ("anchor B's yaw_rad 180", "radians")),
        (structured((-0.5, 1.0, 0.0), (999.5, 1.0, 0.0)), ("anchor B is 999.5 m from the room origin",)),
        (structured((-10.0, 1.0, 0.0), (10.0, 1.0, 0.0)), ("20.00 m apart", "people can talk at")),
        (structured((0.0, 1.0, 0.0), (0.1, 1.0, 0.0)), ("0.10 m apart",)),
    ],
    ids=["nan-position", "inf-position", "nan-yaw", "yaw-in-degrees", "a-kilometre-away", "20-m-apart", "heads-collide"],
)
def test_bad_structured_layout_is_invalid_argument(loopback_server: str, layout: pb.LayoutSpec, words: tuple[str, ...]) -> None:
    error = refused(loopback_server, layout=layout)
    assert error.code() == INVALID, error.details()
    assert all(w in error.details() for w in words), error.details()


def test_a_sound_structured_layout_is_served(loopback_server: str) -> None:
    responses = animate(loopback_server, layout=structured((0.0, 1.05, 0.6), (0.0, 1.05, -0.6)))
    assert responses[0].header.layout.description == "mine" and responses[-1].status.code == 0
    frames = [r.frame for r in responses if r.WhichOneof("payload") == "frame"]
    assert frames and all(math.isfinite(p.head_world.position.x) for f in frames for p in f.participants)


# ---------------------------------------------------------------------- checkpoints


class _RunsCode:
    """Unpickling this calls os.system: what a hostile checkpoint does."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        return os.system, (f"touch {self.marker}",)


def test_a_crafted_checkpoint_is_refused_and_its_code_does_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.pt"
    payload = torch.load(DEFAULT_CHECKPOINT, map_location="cpu", weights_only=True)  # a real checkpoint, plus a payload
    payload["provenance"] = _RunsCode(marker)
    torch.save(payload, evil)
    with pytest.raises(CheckpointError, match=r"evil\.pt holds Python objects.*GLOBAL posix\.system.*refused unread") as err:
        load_generator(evil)
    assert "weights_only=False" not in str(err.value)  # no advice to load it unsafely
    assert not marker.exists()


@pytest.mark.parametrize("name", ["default.pt", "single_stream.pt"])
def test_the_committed_checkpoints_still_load(name: str) -> None:
    generator = load_generator(DEFAULT_CHECKPOINT.parent / name)
    assert sum(p.numel() for p in generator.net.parameters()) > 0
