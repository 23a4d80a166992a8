"""One corpus sample on a page: what was said, who spoke, how the mouths, heads and eyes followed.

This is the figure to look at when judging the synthetic ground truth: the jaw must open only
inside its own speaker's mask, the heads turn toward the partner (dashed line) most of the time,
and the gaze-at-partner flags drop during speaker aversions at turn starts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from talking_together.contract import BLENDSHAPE_INDEX, FPS, SAMPLES_PER_FRAME  # noqa: E402
from talking_together.geometry import quat_from_yaw, quat_multiply, quat_rotate  # noqa: E402

log = logging.getLogger(__name__)

COLOURS = ("tab:blue", "tab:orange")  # person A, person B


@dataclass
class FigureConfig:
    width_in: float = 12.0
    height_in: float = 8.0
    dpi: int = 80  # keeps the PNG well under 300 KB
    max_seconds: float = 30.0  # show the first stretch only: turns stay readable


def head_yaw_deg(rotations: np.ndarray) -> np.ndarray:
    """(T,) yaw of the head in its seat's frame, degrees, + to the person's left: neck * head."""
    q = quat_multiply(rotations[:, 0].astype(np.float64), rotations[:, 1].astype(np.float64))
    f = quat_rotate(q, np.array([0.0, 0.0, -1.0]))
    return np.degrees(np.arctan2(-f[:, 0], -f[:, 2]))


def partner_yaw_deg(anchors: np.ndarray, k: int) -> float:
    """The yaw at which person k's head would face the partner's seat, in k's seat frame."""
    to = anchors[1 - k, :3].astype(np.float64) - anchors[k, :3]
    local = quat_rotate(quat_from_yaw(-float(anchors[k, 3])), to)
    return float(np.degrees(np.arctan2(-local[0], -local[2])))


def plot_sample(sample: dict, out: Path, cfg: FigureConfig = FigureConfig()) -> Path:
    """Write the figure of one sample (a `load_shard` entry) to `out` as PNG."""
    meta = sample["meta"]
    frames = min(len(sample["masks"]), int(cfg.max_seconds * FPS))
    t = (np.arange(frames) + 0.5) / FPS
    audio = sample["audio"][0, : frames * SAMPLES_PER_FRAME].astype(np.float32) / 32768
    env = audio.reshape(frames, SAMPLES_PER_FRAME)  # min/max per frame: the waveform's outline
    labels = ("A", "B")

    fig, axes = plt.subplots(5, 1, figsize=(cfg.width_in, cfg.height_in), sharex=True,
                             gridspec_kw={"height_ratios": [1.3, 0.8, 1.2, 1.4, 0.7]})
    ax = axes[0]
    ax.fill_between(t, env.min(1), env.max(1), color="0.35", lw=0, step="mid")
    for turn in meta["turns"]:
        if turn["start_s"] < t[-1]:
            ax.axvspan(turn["start_s"], min(turn["end_s"], t[-1]), color=COLOURS[turn["speaker"]],
                       alpha=0.12 if turn["kind"] != "backchannel" else 0.3, lw=0)
    ax.set_ylabel(f"mic 1 of {sample['audio'].shape[0]}\n({meta['mic_array']})")
    ax.set_title(f"sample {meta['index']} ({meta['split']}, {meta['mode']}), layout \"{meta['layout_prompt']}\", "
                 f"RT60 {meta['rt60_s']:.2f} s, SNR {meta['snr_db']:.0f} dB\n"
                 "shaded: each person's turns (blue A, orange B), darker: backchannels", fontsize=10)

    ax = axes[1]
    for k in range(2):
        ax.fill_between(t, k * 1.2, k * 1.2 + sample["masks"][:frames, k], color=COLOURS[k], step="mid", lw=0)
    ax.set_yticks([0.5, 1.7], [f"{labels[0]} speaks", f"{labels[1]} speaks"])
    ax.set_ylim(-0.1, 2.3)

    ax = axes[2]
    jaw = sample["expression"][:frames, :, BLENDSHAPE_INDEX["jawOpen"]]
    for k in range(2):
        ax.plot(t, jaw[:, k], color=COLOURS[k], lw=1.2, label=f"{labels[k]} jawOpen")
    ax.set_ylabel("jawOpen")
    ax.set_ylim(0, max(0.1, float(jaw.max()) * 1.1))
    ax.legend(loc="upper right", fontsize=8, ncol=2)

    ax = axes[3]
    for k in range(2):
        ax.plot(t, head_yaw_deg(sample["rotations"][:frames, k]), color=COLOURS[k], lw=1.2, label=f"{labels[k]} head yaw")
        ax.axhline(partner_yaw_deg(sample["anchors"], k), color=COLOURS[k], ls="--", lw=1,
                   label=f"{labels[k]}: partner's direction")
    ax.set_ylabel("head yaw in seat\nframe (deg, + left)")
    low, high = ax.get_ylim()
    ax.set_ylim(low - 0.1 * (high - low), high + 0.35 * (high - low))  # room for the legend above
    ax.legend(loc="upper right", fontsize=8, ncol=4)

    ax = axes[4]
    for k in range(2):
        ax.fill_between(t, k * 1.2, k * 1.2 + sample["gaze_at_partner"][:frames, k], color=COLOURS[k], step="mid", lw=0)
    ax.set_yticks([0.5, 1.7], [f"{labels[0]} looks at {labels[1]}", f"{labels[1]} looks at {labels[0]}"])
    ax.set_ylim(-0.1, 2.3)
    ax.set_xlabel("time (s)")
    ax.set_xlim(0, t[-1])

    fig.align_ylabels(axes)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=cfg.dpi)
    plt.close(fig)
    log.info("wrote %s (sample %d, %.1f of %.1f s)", out, meta["index"], frames / FPS, len(sample["masks"]) / FPS)
    return out

