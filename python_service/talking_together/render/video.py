"""MP4 out: H.264 video at 25 fps and AAC sound, muxed with PyAV (FFmpeg inside the wheel).

Why PyAV: a fresh machine has no ffmpeg binary, and the wheel carries libx264 and FFmpeg's own
AAC encoder (decision 0011). Video frame i and the 640 samples of row i are encoded together,
so the container interleaves them and the sound stays in sync by construction: video pts is
the row, audio pts the sample, both from 0.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import soxr
from PIL import Image
from tqdm import tqdm

from talking_together.contract import FPS, SAMPLE_RATE
from talking_together.render.performance import Performance

log = logging.getLogger(__name__)

AUDIO_RATE = 48_000  # what players expect; an AAC frame is then 21 ms, under one video frame
VIDEO_OPTIONS = {"preset": "veryfast", "crf": "23", "tune": "animation"}
AUDIO_BITRATE = 96_000


@dataclass(frozen=True)
class RenderStats:
    frames: int
    seconds: float  # of video
    wall_s: float
    cpu_s: float  # this process's CPU time (all threads): what the render costs on a shared machine
    bytes: int
    audio: bool

    @property
    def speed(self) -> float:
        """Video seconds per wall-clock second: above 1 renders faster than real time."""
        return self.seconds / self.wall_s if self.wall_s > 0 else float("inf")

    def describe(self) -> str:
        sound = "with sound" if self.audio else "silent"
        return (f"{self.frames} frames ({self.seconds:.1f} s, {sound}) in {self.wall_s:.1f} s: {self.speed:.2f}x real time "
                f"({self.cpu_s:.1f} s CPU), {self.bytes / 1e6:.2f} MB")


def write_mp4(path: str | Path, frames: Callable[[int], Image.Image], count: int, size: tuple[int, int],
              audio: np.ndarray | None = None, progress: bool = True) -> None:
    """Encode `frames(i)` for i in range(count) as H.264 (yuv420p), and `audio` ((count * 640,)
    float32 at 16 kHz, or None for a silent file) as mono AAC at AUDIO_RATE."""
    path = Path(path)
    with av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"}) as container:
        video = container.add_stream("libx264", rate=FPS, options=VIDEO_OPTIONS)
        video.width, video.height, video.pix_fmt = size[0], size[1], "yuv420p"
        video.time_base = Fraction(1, FPS)
        sound = None
        if audio is not None:
            sound = container.add_stream("aac", rate=AUDIO_RATE, layout="mono")
            sound.bit_rate = AUDIO_BITRATE
            resampled = soxr.resample(audio.astype(np.float32), SAMPLE_RATE, AUDIO_RATE).astype(np.float32)
            per_frame = AUDIO_RATE // FPS  # 1920 samples: 40 ms
        for i in tqdm(range(count), total=count, unit="frame", desc="render", disable=None if progress else True):
            picture = av.VideoFrame.from_image(frames(i))
            picture.pts = i
            container.mux(video.encode(picture))
            if sound is not None:
                chunk = np.clip(resampled[i * per_frame : (i + 1) * per_frame], -1.0, 1.0)
                if len(chunk):
                    samples = av.AudioFrame.from_ndarray(chunk[None, :], format="fltp", layout="mono")
                    samples.sample_rate, samples.pts = AUDIO_RATE, i * per_frame
                    container.mux(sound.encode(samples))
        container.mux(video.encode(None))
        if sound is not None:
            container.mux(sound.encode(None))


def render_video(performance: Performance, out: str | Path, progress: bool = True) -> RenderStats:
    """Both faces, the top view and the sound of `performance` as an MP4 at `out`."""
    from talking_together.render.scene import HEIGHT, WIDTH, FrameRenderer

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if performance.audio is None:
        log.warning("no audio: the input has none and no --audio was given; writing a silent video")
    else:
        log.info("audio from %s", performance.audio_source)
    wall, cpu = time.perf_counter(), time.process_time()
    renderer = FrameRenderer(performance)
    write_mp4(out, renderer.render, performance.num_frames, (WIDTH, HEIGHT), performance.audio, progress)
    stats = RenderStats(performance.num_frames, performance.duration_s, time.perf_counter() - wall, time.process_time() - cpu,
                        out.stat().st_size, performance.audio is not None)
    log.info("wrote %s: %s", out, stats.describe())
    return stats

