"""Run every system over the held-out conversations and write the markdown report with its figure."""

from __future__ import annotations

import functools
import json
import logging
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from talking_together.activity import frame_f1  # noqa: E402
from talking_together.contract import BLENDSHAPE_INDEX, FPS  # noqa: E402
from talking_together.evaluate.metrics import Truth, attribution_f1, evaluate, truth_halves_fd  # noqa: E402
from talking_together.evaluate.predict import predict_baseline, predict_model, with_degraded_masks  # noqa: E402
from talking_together.model.checkpoint import load_generator  # noqa: E402
from talking_together.train.data import HELD_OUT_SPLITS, Sample, load_samples  # noqa: E402

log = logging.getLogger(__name__)

MODEL, ABLATION, BASELINE = "model (dual-stream)", "single-stream ablation", "rule-based baseline"
TRUTH, OTHER = "ground truth (floor)", "truth of another conversation"
MODEL_SAMPLED = "model, mouth sampled"  # reference: the model without decision 0006's mean mouth
REFERENCES = (MODEL_SAMPLED, TRUTH, OTHER)  # rows shown for scale, not contenders
NOISY_F1 = "attribution-F1 noisy masks"
MOUTH_TEXT = {"mean": "mouth from the mean (decision 0006: the jaw and mouth weights keep the first step's\n"
                      "estimate, the network's mean given audio and masks, while the rest is sampled over all steps)",
              "sampled": "mouth sampled over all steps like the rest"}
# metric -> (higher is better, format)
COLUMNS: dict[str, tuple[bool, str]] = {
    "FD": (False, "{:.2f}"), "P-FD": (False, "{:.2f}"), "MSE-FULL": (False, "{:.3f}"), "MSE-ROT": (False, "{:.3f}"),
    "MSE-EYE": (False, "{:.3f}"), "MSE-LIP": (False, "{:.3f}"), "vMSE": (False, "{:.4f}"),
    "SID-speaker": (True, "{:.2f}"), "SID-listener": (True, "{:.2f}"), "attribution-F1": (True, "{:.3f}"),
    NOISY_F1: (True, "{:.3f}"),
    "gaze-error-deg": (False, "{:.2f}"), "layout-pos-cm": (False, "{:.2f}"), "layout-yaw-deg": (False, "{:.2f}"),
}
FIGURE_METRICS = ("FD", "MSE-LIP", "MSE-EYE", NOISY_F1, "gaze-error-deg")


def other_conversation(samples: list[Sample]) -> list[np.ndarray]:
    """Each conversation paired with the next one's real motion, repeated to length: chance level."""
    out = []
    for i, s in enumerate(samples):
        other = samples[(i + 1) % len(samples)].motion.numpy()
        out.append(other[np.arange(s.num_frames) % len(other)])
    return out


def run(checkpoint: str | Path, data: str | Path, ablation: str | Path | None = None,
        splits: tuple[str, ...] = HELD_OUT_SPLITS, steps: int | None = None, guidance: float | None = None,
        limit: int | None = None, seed: int = 0, mouth_from_mean: bool | None = None,
        ) -> tuple[dict[str, dict[str, float]], dict, list[Sample], dict]:
    """-> (metrics per system, run info, the samples, predictions per system). When the model holds
    its mouth at the mean (the checkpoint's default, or mouth_from_mean), the model is also run with
    the mouth sampled, as a reference row: what the choice costs and gains."""
    samples = load_samples(data, splits, limit)
    truths = [Truth(s.motion.numpy(), s.masks.numpy(), s.anchors, s.gaze_at_partner) for s in samples]
    preds: dict[str, list[np.ndarray]] = {}
    seconds: dict[str, float] = {}
    noisy = with_degraded_masks(samples, seed)
    noisy_preds: dict[str, list[np.ndarray]] = {}  # the same systems told who speaks by degraded masks
    model = load_generator(checkpoint)
    settings = model.settings.override(steps=steps, guidance=guidance, mouth_from_mean=mouth_from_mean)  # what the report states
    mouth_mean = settings.mouth_from_mean
    systems = [(MODEL, model, mouth_mean)]  # (name, generator, mouth held at the mean)
    if ablation:
        systems.append((ABLATION, load_generator(ablation), mouth_mean))  # sampled as the model is
    if mouth_mean:
        systems.append((MODEL_SAMPLED, model, False))
    for name, gen, mouth in systems:
        generate = functools.partial(predict_model, gen, window=128, prefix=16, steps=steps, guidance=guidance,
                                     seed=seed, mouth_from_mean=mouth)
        t0 = time.time()
        preds[name] = generate(samples)
        seconds[name] = time.time() - t0
        log.info("%s: %d conversations in %.0f s", name, len(samples), seconds[name])
        noisy_preds[name] = generate(noisy)
    t0 = time.time()
    preds[BASELINE] = [predict_baseline(s, seed) for s in samples]
    seconds[BASELINE] = time.time() - t0
    noisy_preds[BASELINE] = [predict_baseline(s, seed) for s in noisy]
    preds[OTHER] = other_conversation(samples)
    results = {name: evaluate(p, truths, seed) for name, p in preds.items()}
    floor = evaluate([t.motion for t in truths], truths, seed)
    floor["FD"], floor["P-FD"] = truth_halves_fd(truths)  # truth vs itself is 0; its two halves are the floor
    results[TRUTH] = floor
    for name in results:  # the truth rows take no masks: their score is unchanged
        results[name][NOISY_F1] = attribution_f1(noisy_preds[name], truths) if name in noisy_preds else results[name]["attribution-F1"]
    results = dict(sorted(results.items(), key=lambda row: row[0] in REFERENCES))  # contenders first
    noisy_masks_f1 = frame_f1(np.concatenate([s.masks.numpy() for s in noisy]), np.concatenate([t.masks for t in truths]))
    info = {
        "checkpoint": str(checkpoint), "ablation": str(ablation) if ablation else None, "data": str(data),
        "splits": list(splits), "conversations": len(samples),
        "hours": round(sum(s.num_frames for s in samples) / FPS / 3600, 3),
        "sample_steps": settings.steps, "guidance": settings.guidance, "seed": seed,
        "mouth": "mean" if mouth_mean else "sampled",
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
        "noisy_masks_f1": round(noisy_masks_f1, 3),
    }
    return results, info, samples, preds


def markdown_table(results: dict[str, dict[str, float]]) -> str:
    """Best real system per column in bold (reference rows are not contenders)."""
    contenders = [n for n in results if n not in REFERENCES]
    lines = ["| system | " + " | ".join(COLUMNS) + " |", "|---|" + "---:|" * len(COLUMNS)]
    for name, r in results.items():
        cells = []
        for col, (higher, fmt) in COLUMNS.items():
            values = [results[n][col] for n in contenders]
            best = max(values) if higher else min(values)
            cell = fmt.format(r[col])
            cells.append(f"**{cell}**" if name in contenders and r[col] == best else cell)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def compare(results: dict[str, dict[str, float]], expected_json: str | Path, rel_tol: float,
            abs_tol: float = 0.005) -> list[str]:
    """Each table cell that differs from a committed report's .json by more than rel_tol (relative) and
    abs_tol, as 'system / metric: got X, expected Y'; empty when the run reproduces the report."""
    expected = json.loads(Path(expected_json).read_text())["results"]
    off = []
    for name, row in expected.items():
        for metric, want in row.items():
            got = results.get(name, {}).get(metric, float("nan"))
            if np.isnan(want) and np.isnan(got):  # e.g. the floor FD of a one-conversation set
                continue
            if not abs(got - want) <= rel_tol * abs(want) + abs_tol:  # a missing cell (NaN) counts as off
                off.append(f"{name} / {metric}: got {got:.4g}, expected {want:.4g}")
    return off


def figure(results: dict[str, dict[str, float]], samples: list[Sample], preds: dict, path: Path) -> None:
    """Top: key metrics per system. Bottom: jawOpen of A and B over one conversation, speech shaded."""
    fig = plt.figure(figsize=(14, 7.5), constrained_layout=True)
    grid = fig.add_gridspec(2, len(FIGURE_METRICS))
    names = list(results)
    colours = plt.get_cmap("tab10")(np.arange(len(names)))
    for j, metric in enumerate(FIGURE_METRICS):
        ax = fig.add_subplot(grid[0, j])
        ax.bar(range(len(names)), [results[n][metric] for n in names], color=colours)
        ax.set_title(metric + (" (higher better)" if COLUMNS[metric][0] else " (lower better)"), fontsize=9)
        ax.set_xticks([])
    fig.legend([plt.Rectangle((0, 0), 1, 1, color=c) for c in colours], names, loc="upper center",
               ncol=len(names), fontsize=8, bbox_to_anchor=(0.5, 1.04))
    i = int(np.argmax([s.num_frames for s in samples]))
    s, t = samples[i], np.arange(min(samples[i].num_frames, 20 * FPS))
    jaw = BLENDSHAPE_INDEX["jawOpen"]
    for k, label in enumerate("AB"):
        ax = fig.add_subplot(grid[1, :2] if k == 0 else grid[1, 2:])
        ax.fill_between(t / FPS, 0, s.masks[t, k].numpy() * 0.05, color="0.85", label="speaking (mask)")
        ax.plot(t / FPS, s.motion[t, k, jaw].numpy(), color="k", lw=1.2, label="truth")
        for name in (MODEL, ABLATION, BASELINE):
            if name in preds:
                ax.plot(t / FPS, preds[name][i][t, k, jaw], lw=0.9, color=colours[names.index(name)], label=name)
        ax.set_title(f"person {label}: jawOpen, conversation {s.index}", fontsize=9)
        ax.set_xlabel("s")
        if k == 0:
            ax.legend(fontsize=7, loc="upper right")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def write_report(results: dict[str, dict[str, float]], info: dict, samples: list[Sample], preds: dict,
                 path: str | Path, real: tuple[dict, dict] | None = None) -> Path:
    """The markdown, its figure and its .json; `real`: evaluate/real_voices.py's rows, when scored."""
    from talking_together.evaluate.real_voices import REPORT_TEXT, markdown

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig_path = path.with_suffix(".png")
    figure(results, samples, preds, fig_path)
    figures = {"info": info, "results": results} | ({"real_voices": {"rows": real[0], "activity": real[1]}} if real else {})
    (path.with_suffix(".json")).write_text(json.dumps(figures, indent=1) + "\n")
    text = f"""# Evaluation: {Path(info['checkpoint']).name}

Held-out conversations: {info['conversations']} ({info['hours']} h) from splits {', '.join(info['splits'])} of
`{info['data']}`: identities never seen in training. DDIM steps {info['sample_steps']}, guidance
{info['guidance']}, seed {info['seed']}, {MOUTH_TEXT[info['mouth']]}. Every system gets the true speaker masks, except in the
column "{NOISY_F1}", where every system gets the same degraded masks (below).
Generation time (s): {', '.join(f'{k} {v}' for k, v in info['seconds'].items())}.

{markdown_table(results)}

![metrics and jawOpen over time]({fig_path.name})

- **Units.** MSE-* and vMSE are in units of the truth's per-dimension variance, so 1.0 is what
  predicting each dimension's mean would score. FD and P-FD are Fréchet distances between per-frame
  features (standardised pose and velocity); P-FD joins both people per frame. SID is the entropy
  (nats) of the truth's 40 k-means clusters that a system's frames fall in: closer to the truth's
  value is better, higher is more diverse.
- **Ours.** attribution-F1: who speaks, from mouth motion alone, against the true masks. With true
  masks as input every system copies them and meets the truth's own score, the ceiling of the
  mouth-motion detector. "{NOISY_F1}": the same score when each system is told who speaks by
  masks degraded as a live estimator gives them (`train/mask_noise.py`: each person's mask picks up
  the partner's speech at a level from [0, 0.8], decides up to 160 ms late and is smoothed by up to
  0.2 s; seeded per conversation). Thresholded at 0.5 these masks alone score F1 {info['noisy_masks_f1']}.
  gaze-error-deg: angle between the gaze and the line to the partner's eyes, where the truth looks
  at the partner. layout-*: B's head as seen from A's seat, and the heads' relative yaw, against truth.
- **References.** "{MODEL_SAMPLED}" (when the model holds its mouth): the same checkpoint with the
  mouth sampled over all steps like the rest; closer in FD and SID to the truth, further from it in
  MSE-LIP. "{TRUTH}": the truth against itself (0 by construction), with FD/P-FD between
  the even and odd conversations, the floor a perfect generator reaches on this set. "{OTHER}": real
  motion of a different conversation: chance level.
"""
    if real:
        text += "\n" + REPORT_TEXT + "\n" + markdown(*real, model="model") + "\n"
    path.write_text(text)
    return path
