"""How fast `talking-together render` turns a stream into an MP4 on this machine, and how big it is.

The stream is the demo dialogue (espeak voices, about 20 s) animated by a real server over
loopback (Animate, as fast as it goes), with its own audio. The figures: render speed in x real
time (video seconds per wall second: above 1 is faster than real time), CPU seconds per video
second (all threads; on a shared machine the wall figure depends on the load, this one less),
the drawing's share of it, and the file's size and bit rate.

    python bench/render.py [--animator baseline|diffusion] [--keep FILE.mp4]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import grpc

from talking_together.data.dialogue import demo_dialogue, write_wav
from talking_together.render.performance import performance_from_responses, with_audio
from talking_together.render.scene import FrameRenderer
from talking_together.render.video import render_video
from talking_together.service.client import animate_file_stream
from talking_together.service.config import ServerConfig, ServiceLimits
from talking_together.service.server import BackgroundServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--animator", default="baseline", help="baseline or diffusion (default: %(default)s)")
    parser.add_argument("--keep", metavar="FILE.mp4", help="keep the video here")
    args = parser.parse_args()

    dialogue = demo_dialogue()
    with tempfile.TemporaryDirectory() as tmp:
        wav = write_wav(dialogue, Path(tmp) / "dialogue.wav")
        limits = ServiceLimits(max_audio_speed=0)
        with BackgroundServer(ServerConfig(port=0, animator=args.animator, limits=limits)) as server, grpc.insecure_channel(server.address) as channel:
            responses = list(animate_file_stream(channel, wav, animator=args.animator))
        performance = with_audio(performance_from_responses(responses), dialogue.audio, "demo dialogue")
        print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; input: demo dialogue, {performance.duration_s:.1f} s, "
              f"{performance.num_frames} frames ({args.animator}), 1280x720 H.264 + AAC")

        renderer = FrameRenderer(performance)
        cpu = time.process_time()
        for i in range(0, performance.num_frames, 5):
            renderer.render(i)
        draw_ms = 1000 * (time.process_time() - cpu) / len(range(0, performance.num_frames, 5))

        out = Path(args.keep) if args.keep else Path(tmp) / "render.mp4"
        stats = render_video(performance, out, progress=False)
        print(f"render speed: {stats.speed:.2f}x real time ({stats.wall_s:.1f} s wall for {stats.seconds:.1f} s of video)")
        print(f"CPU: {stats.cpu_s / stats.seconds:.2f} s per video second, {1000 * stats.cpu_s / stats.frames:.1f} ms per frame "
              f"(drawing {draw_ms:.1f} ms, the rest H.264/AAC encoding and muxing)")
        print(f"file: {stats.bytes / 1e6:.2f} MB, {8 * stats.bytes / stats.seconds / 1000:.0f} kbit/s")


if __name__ == "__main__":
    main()
