"""A one-page picture of a streamed session: where the heads are and look, and who talks when."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from talking_together.contract import BLENDSHAPE_INDEX, FPS  # noqa: E402
from talking_together.geometry import DEFAULT_HEAD, eye_midpoint_world, gaze_direction  # noqa: E402
from talking_together.service.convert import quat_from_proto as _q  # noqa: E402
from talking_together.service.convert import vec3_from_proto as _v  # noqa: E402
from talking_together.v1 import talking_together_pb2 as pb  # noqa: E402

COLOURS = ("tab:blue", "tab:orange")
GAZE_RAY_M = 0.6


def render_preview(
    responses: Sequence[pb.AnimateResponse],
    out_png: str | Path,
    turns: Sequence[tuple[int, float, float]] = (),
    title: str = "Talking Together",
) -> Path:
    """Top view with gaze rays every second, and jawOpen/speaking curves; `turns` shades the truth."""
    frames = [r.frame for r in responses if r.WhichOneof("payload") == "frame"]
    if not frames:
        raise ValueError("no frames to preview")
    t = np.arange(len(frames)) / FPS
    fig = plt.figure(figsize=(12, 7))
    top = fig.add_subplot(1, 3, 1)
    curves = [fig.add_subplot(2, 3, (2, 3)), fig.add_subplot(2, 3, (5, 6))]

    for i, colour in enumerate(COLOURS):
        name = "AB"[i]
        pos = np.array([_v(f.participants[i].head_world.position) for f in frames])
        top.plot(pos[:, 0], -pos[:, 2], color=colour, lw=1)
        for f in frames[:: FPS]:
            p = f.participants[i]
            head_q = _q(p.head_world.rotation)
            eyes = eye_midpoint_world(_v(p.head_world.position), head_q, DEFAULT_HEAD)
            gaze = gaze_direction(head_q, _q(p.left_eye), _q(p.right_eye))
            top.plot([eyes[0], eyes[0] + GAZE_RAY_M * gaze[0]], [-eyes[2], -(eyes[2] + GAZE_RAY_M * gaze[2])], color=colour, alpha=0.35, lw=0.8)
        top.scatter(pos[0, 0], -pos[0, 2], color=colour, s=120, label=f"{name} head", zorder=3)

        ax = curves[i]
        jaw = [f.participants[i].expression[BLENDSHAPE_INDEX["jawOpen"]] for f in frames]
        ax.plot(t, jaw, color=colour, label="jawOpen")
        ax.plot(t, [f.participants[i].speaking for f in frames], color="k", lw=0.8, ls="--", label="speaking")
        for who, start, end in turns:
            if who == i:
                ax.axvspan(start, end, color=colour, alpha=0.12)
        ax.set_ylim(-0.02, 1.02)
        ax.set_ylabel(f"participant {name}")
        ax.legend(loc="upper right", fontsize=8)
    curves[1].set_xlabel("time (s); shaded: true turns")
    top.set_aspect("equal", adjustable="datalim")
    top.margins(0.3)
    top.set_xlabel("x (m)")
    top.set_ylabel("forward, -z (m)")
    top.set_title("top view: heads and gaze rays (1/s)")
    top.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    out_png = Path(out_png)
    out_png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_png, dpi=110)
    plt.close(fig)
    return out_png
