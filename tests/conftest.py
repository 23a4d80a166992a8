"""Shared fixtures: a real two-voice recording, a held-out corpus conversation and a real gRPC server on loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from talking_together.contract import FPS
from talking_together.data.corpus import CorpusConfig, make_sample
from talking_together.data.dialogue import Dialogue, demo_dialogue, write_wav
from talking_together.data.splits import HELD_OUT_SPLITS
from talking_together.service.config import ServerConfig
from talking_together.service.server import BackgroundServer


@pytest.fixture(scope="session")
def dialogue() -> Dialogue:
    return demo_dialogue()


@pytest.fixture(scope="session")
def dialogue_wav(dialogue: Dialogue, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo dialogue as a 16-bit WAV with its JSON sidecar of true turns."""
    return write_wav(dialogue, tmp_path_factory.mktemp("audio") / "dialogue.wav")


@pytest.fixture(scope="session")
def loopback_server() -> Iterator[str]:
    """Address of a real baseline server (no room session) shared by the tests that only use Animate."""
    with BackgroundServer(ServerConfig(port=0, animator="baseline")) as server:
        yield server.address


@pytest.fixture(scope="session")
def held_out() -> dict:
    """The first 16 s of a held-out (test_voice / test_identity) corpus conversation."""
    cfg = CorpusConfig(seed=7, families=(("espeak", 1.0),))  # held-out splits are espeak whatever the mix
    for index in range(100):
        split, arrays, _ = make_sample(index, cfg)
        if split in HELD_OUT_SPLITS:
            frames = 16 * FPS
            return {"audio": arrays["audio"][:, : frames * 640], "masks": arrays["masks"][:frames], "anchors": arrays["anchors"]}
    raise AssertionError("no held-out sample in the first 100")


@pytest.fixture(scope="session")
def real_speech_root() -> Path:
    """The real-speech data (../shared): skipped where absent, but a failure under CI (CI=true), which must have it."""
    from talking_together.data import real_speech

    try:
        return real_speech.root_dir()
    except FileNotFoundError as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
