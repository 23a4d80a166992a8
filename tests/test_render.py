"""`talking-together render`: a real recording (one real voice speaking alone, served by a real
server with `serve --record`) rendered to MP4 and decoded back with PyAV: frame count, sound
length, rate and sync, and the speaker's mouth moving during speech and not in silence."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import av
import grpc
import numpy as np
import pytest
import soundfile as sf
import soxr

from serving import CLI
from talking_together.cli import main
from talking_together.contract import FPS, SAMPLE_RATE, SAMPLES_PER_FRAME
from talking_together.data.dialogue import DEMO_VOICES, Dialogue, Placed, assemble, make_dialogue
from talking_together.render.face import MOUTH_HALF_W, MOUTH_Y
from talking_together.render.scene import FACE_PX_PER_M, Layout
from talking_together.render.video import AUDIO_RATE
from talking_together.replay.recording import read_recording
from talking_together.service.client import subscribe, write_jsonl
from talking_together.service.config import ServerConfig
from talking_together.service.server import BackgroundServer

LEAD_FRAMES, TAIL_FRAMES = 18, 25  # silence added before and after the dialogue's own 0.3 s / 0.5 s


def _one_voice() -> Dialogue:
    """A alone for about 2.5 s: a real LibriSpeech reader when the data is there, else espeak-ng."""
    from talking_together.audio.sources import read_audio_file
    from talking_together.data import real_speech

    try:
        a, b = real_speech.pairs("test", "FM", 1, seed=0)[0]
    except FileNotFoundError:
        return make_dialogue([(0, "Could you pass me the water, please? Thank you very much.")], DEMO_VOICES)
    clip = real_speech.speech_utterance(read_audio_file(a.clips[0]).mean(axis=1))
    piece = real_speech.turn_pieces(clip, np.random.default_rng(0), (2.0, 3.0))[0]
    return assemble([Placed(0, 0.0, "", piece)], (f"librispeech:{a.id}", f"librispeech:{b.id}"))


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A WAV of A speaking between silences, served as a room with `--record`, subscribed to as JSONL."""
    folder = tmp_path_factory.mktemp("render")
    d = _one_voice()
    audio = np.concatenate([np.zeros(LEAD_FRAMES * SAMPLES_PER_FRAME), d.audio, np.zeros(TAIL_FRAMES * SAMPLES_PER_FRAME)]).astype(np.float32)
    masks = np.vstack([np.zeros((LEAD_FRAMES, 2)), d.masks, np.zeros((TAIL_FRAMES, 2))])
    wav, mcap, jsonl = folder / "alone.wav", folder / "alone.mcap", folder / "alone.jsonl"
    sf.write(wav, audio, SAMPLE_RATE, subtype="PCM_16")
    with BackgroundServer(ServerConfig(port=0, source=str(wav), record=str(mcap), animator="baseline")) as server:
        with grpc.insecure_channel(server.address) as channel, open(jsonl, "w") as out:
            for response in subscribe(channel, "test-render"):
                write_jsonl(response, out)
    return {"wav": wav, "mcap": mcap, "jsonl": jsonl, "audio": audio, "masks": masks, "folder": folder}


def _decode(path: Path) -> tuple[list[np.ndarray], np.ndarray | None, int]:
    """Every video frame as RGB, and the sound as mono float32 with its rate (None, 0 if silent)."""
    with av.open(str(path)) as container:
        video = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return video, None, 0
        rate = container.streams.audio[0].rate
        sound = np.concatenate([frame.to_ndarray().reshape(-1) for frame in container.decode(audio=0)])
    return video, sound, rate


def _mouth_box(person: int) -> tuple[slice, slice]:
    """Where the face painter puts a head-on face's mouth in the video, with room for a dropped jaw."""
    x0, y0, x1, y1 = Layout().faces[person]
    cx, pivot_y = (x0 + x1) / 2, (y0 + y1) / 2  # scene.py: the head pivot at rest is the panel's centre
    top, bottom = pivot_y - (MOUTH_Y + 0.015) * FACE_PX_PER_M, pivot_y - (MOUTH_Y - 0.05) * FACE_PX_PER_M  # +Y is up
    half = 1.6 * MOUTH_HALF_W * FACE_PX_PER_M
    return slice(int(top), int(bottom)), slice(int(cx - half), int(cx + half))


def test_recording_renders_in_sync_and_the_speaker_mouth_moves(recorded: dict, tmp_path: Path) -> None:
    out = tmp_path / "alone.mp4"
    assert main(["render", str(recorded["mcap"]), "--out", str(out)]) == 0
    video, sound, rate = _decode(out)
    recording = read_recording(recorded["mcap"])
    frames = sum(1 for r in recording.parsed_responses() if r.WhichOneof("payload") == "frame")
    duration_s = len(recorded["audio"]) / SAMPLE_RATE

    assert len(video) == frames == round(duration_s * FPS)
    assert video[0].shape == (720, 1280, 3)
    assert rate == AUDIO_RATE
    assert abs(len(sound) / rate - duration_s) < 1 / FPS
    # In sync: the muxed sound lines up with the served WAV within one frame.
    heard = soxr.resample(sound.astype(np.float32), rate, SAMPLE_RATE)
    n = min(len(heard), len(recorded["audio"]))
    spectrum = np.fft.rfft(heard[:n], 2 * n) * np.conj(np.fft.rfft(recorded["audio"][:n], 2 * n))
    lags = np.fft.irfft(spectrum)
    lag = int(np.argmax(np.concatenate([lags[-SAMPLE_RATE:], lags[:SAMPLE_RATE]]))) - SAMPLE_RATE
    assert abs(lag) < SAMPLES_PER_FRAME, f"sound is {1000 * lag / SAMPLE_RATE:.0f} ms off the frames"

    # A's mouth changes frame to frame while A speaks, and hardly in the silence around it.
    rows, cols = _mouth_box(0)
    change = np.array([np.abs(b[rows, cols].astype(int) - a[rows, cols].astype(int)).mean() for a, b in zip(video, video[1:])])
    speech = recorded["masks"][1:, 0] > 0
    away = np.convolve(recorded["masks"][:, 0], np.ones(2 * FPS // 2 + 1), mode="same")[1:] == 0  # 0.5 s from any speech
    print(f"mouth change per frame: speech {change[speech].mean():.2f}, silence {change[away].mean():.2f} (of 255)")
    assert speech.sum() > FPS and away.sum() > FPS // 2
    assert change[speech].mean() > 3 * change[away].mean() + 0.2


def test_frames_jsonl_with_audio_and_without(recorded: dict, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    short = tmp_path / "short.jsonl"
    short.write_text("".join(recorded["jsonl"].read_text().splitlines(keepends=True)[:26]))  # header and 25 frames
    silent, voiced = tmp_path / "silent.mp4", tmp_path / "voiced.mp4"
    with caplog.at_level(logging.WARNING):
        assert main(["render", str(short), "--out", str(silent)]) == 0
    assert "no audio" in caplog.text and "silent video" in caplog.text
    video, sound, _ = _decode(silent)
    assert len(video) == FPS and sound is None
    assert main(["render", str(short), "--audio", str(recorded["wav"]), "--out", str(voiced)]) == 0
    video, sound, rate = _decode(voiced)
    assert len(video) == FPS and abs(len(sound) / rate - 1.0) < 1 / FPS


@pytest.mark.parametrize("case", ["missing", "extension", "corrupt_mcap", "corrupt_jsonl", "no_frames", "bad_wav", "missing_wav"])
def test_bad_input_is_one_clear_line(case: str, recorded: dict, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    args, expected = {
        "missing": ([str(tmp_path / "none.mcap")], "no such file"),
        "extension": ([str(recorded["wav"])], "unknown extension '.wav'"),
        "corrupt_mcap": ([str(_write(tmp_path / "x.mcap", b"not an mcap file at all"))], "not an MCAP file"),
        "corrupt_jsonl": ([str(_write(tmp_path / "cut.jsonl", b'{"header": {}}\n{"frame": {"sequence": 0, "participa'))], "line 2 is not a frame-stream line"),
        "no_frames": ([str(_write(tmp_path / "header.jsonl", recorded["jsonl"].read_bytes().splitlines(keepends=True)[0]))], "no two-person frames"),
        "bad_wav": ([str(recorded["jsonl"]), "--audio", str(_write(tmp_path / "x.wav", b"RIFF junk"))], "cannot decode"),
        "missing_wav": ([str(recorded["jsonl"]), "--audio", str(tmp_path / "none.wav")], "audio file not found"),
    }[case]
    out = tmp_path / "out.mp4"
    with caplog.at_level(logging.ERROR):
        assert main(["render", *args, "--out", str(out)]) == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and expected in errors[0] and ("pass" in errors[0] or "expected" in errors[0]), errors
    assert not out.exists()


def test_the_console_script_fails_without_a_traceback(tmp_path: Path) -> None:
    result = subprocess.run([*CLI, "render", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "x.mp4")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "no such file" in result.stderr and "Traceback" not in result.stderr


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_mouth_shapes_follow_the_weights() -> None:
    """Open, round, closed and smiling mouths differ the way the weights say."""
    from talking_together.contract import ARKIT_BLENDSHAPES
    from talking_together.render.face import mouth_curves

    def mouth(**weights: float) -> dict[str, np.ndarray]:
        return mouth_curves({name: weights.get(name, 0.0) for name in ARKIT_BLENDSHAPES})

    def gap(m: dict[str, np.ndarray]) -> float:
        return float(np.max(m["inner_upper"][:, 1] - m["inner_lower"][:, 1]))

    def width(m: dict[str, np.ndarray]) -> float:
        return float(m["outer_upper"][-1, 0] - m["outer_upper"][0, 0])

    rest, open_, held = mouth(), mouth(jawOpen=0.8), mouth(jawOpen=0.8, mouthClose=0.8)
    jaw, round_ = mouth(jawOpen=0.2), mouth(jawOpen=0.2, mouthFunnel=0.9)
    smile = mouth(mouthSmileLeft=0.9, mouthSmileRight=0.9)
    assert gap(rest) < 1e-6 and gap(held) < 1e-6 and gap(open_) > 0.02
    # The same jaw with a funnel: narrower and taller, an O rather than a slit.
    assert width(round_) < 0.8 * width(jaw) and gap(round_) / width(round_) > 2 * gap(jaw) / width(jaw)
    corners = smile["inner_upper"][[0, -1], 1] - rest["inner_upper"][[0, -1], 1]
    assert np.all(corners > 0.008) and width(smile) > width(rest)
