"""Losses and the training loop: gaze loss, loss weights, overfitting, checkpoint + resume."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from talking_together.cli import main
from talking_together.data.corpus import CorpusConfig, generate
from talking_together.evaluate.report import ABLATION, NOISY_F1, compare, run, write_report
from talking_together.evaluate.report import MODEL as MODEL_ROW
from talking_together.geometry import quat_from_yaw_pitch_roll
from talking_together.model import CheckpointError, ModelConfig, MotionGenerator, Normalizer, load_generator, pack_motion
from talking_together.train.config import Config
from talking_together.train.loop import LAST, MODEL, compute_loss, make_step_inputs, train
from talking_together.train.losses import LossWeights, diffusion_loss, gaze_loss


def motion(yaw_eye: float, n: int = 3, t: int = 10, seed: int = 0) -> torch.Tensor:
    """(n, 2, t, 79) raw motion with random head poses and both eyes turned by yaw_eye."""
    rng = np.random.default_rng(seed)
    head = quat_from_yaw_pitch_roll(rng.uniform(-0.5, 0.5, (n, 2, t)), rng.uniform(-0.3, 0.3, (n, 2, t)), 0.0)
    eye = quat_from_yaw_pitch_roll(np.full((n, 2, t), yaw_eye), 0.0, 0.0)
    neck = quat_from_yaw_pitch_roll(np.zeros((n, 2, t)), 0.0, 0.0)
    q = np.stack([neck, head, eye, eye], -2)
    return torch.as_tensor(pack_motion(rng.uniform(0, 1, (n, 2, t, 52)), q, np.zeros((n, 2, t, 3))))


def test_gaze_loss_zero_for_identical_gaze_positive_otherwise() -> None:
    yaw = torch.zeros(3, 2)
    same = motion(0.2)
    assert abs(float(gaze_loss(same, same, yaw, LossWeights()))) < 1e-6
    assert float(gaze_loss(motion(0.5), same, yaw, LossWeights())) > 0.01


def test_gaze_loss_weights_up_head_mobile_clips() -> None:
    """The same eye error costs twice as much on the clip whose true head moves most (top 20% of 5)."""
    n, t = 5, 10
    yaw = np.zeros((n, 2, t))
    yaw[0] = np.linspace(-0.6, 0.6, t)  # clip 0 turns its head; clips 1-4 hold still
    head = quat_from_yaw_pitch_roll(yaw, 0.0, 0.0)
    ident = quat_from_yaw_pitch_roll(np.zeros((n, 2, t)), 0.0, 0.0)
    expr, trans = np.zeros((n, 2, t, 52)), np.zeros((n, 2, t, 3))

    def with_eyes(eye_yaw: np.ndarray) -> torch.Tensor:
        eye = quat_from_yaw_pitch_roll(eye_yaw, 0.0, 0.0)
        return torch.as_tensor(pack_motion(expr, np.stack([ident, head, eye, eye], -2), trans))

    truth = with_eyes(np.zeros((n, 2, t)))
    off = np.zeros((n, 2, t))
    off[0] = 0.4
    on_mobile = gaze_loss(with_eyes(off), truth, torch.zeros(n, 2), LossWeights())
    on_still = gaze_loss(with_eyes(np.roll(off, 1, 0)), truth, torch.zeros(n, 2), LossWeights())
    assert float(on_still) > 0
    assert float(on_mobile) == pytest.approx(2 * float(on_still), rel=1e-4)


def test_total_loss_uses_the_paper_weights() -> None:
    x = torch.randn(2, 2, 8, 79)
    y = x + 0.1 * torch.randn_like(x)
    masks, dub = torch.zeros(2, 2, 8), torch.zeros(2, dtype=torch.bool)
    t = diffusion_loss(y, x, lambda m: m, torch.zeros(2, 2), masks, dub)
    expected = t["expression"] + 8 * t["rotation"] + t["translation"] + t["velocity"] + 5 * t["gaze"]
    torch.testing.assert_close(t["loss"], expected)
    assert float(diffusion_loss(x, x, lambda m: m, torch.zeros(2, 2), masks, dub)["loss"]) < 1e-5


def test_dubbing_weights_the_speakers_lips() -> None:
    x = torch.zeros(1, 2, 8, 79)
    y = x.clone()
    y[..., 17] = 0.5  # jawOpen wrong
    masks = torch.ones(1, 2, 8)
    args = (lambda m: m, torch.zeros(1, 2), masks)
    plain = diffusion_loss(y, x, *args, torch.tensor([False]))["expression"]
    dubbed = diffusion_loss(y, x, *args, torch.tensor([True]))["expression"]
    assert float(dubbed) > float(plain)


def test_second_stage_starts_from_the_checkpoint_and_takes_its_network(tiny_corpus: Path, tmp_path: Path) -> None:
    first = tmp_path / "first"
    train(tiny_corpus, first, tiny_config(3))  # three Adam steps away from the seed's initial weights
    (tmp_path / "stage2.toml").write_text(f'[train]\ninit = "{first / MODEL}"\nsteps = 1\nwindow = 16\n'
                                          'batch_size = 2\nlr = 1e-12\nwarmup = 1\n')
    cfg = Config.load(tmp_path / "stage2.toml")
    assert cfg.model == tiny_config(3).model  # adopted from the checkpoint, not the defaults
    second = train(tiny_corpus, tmp_path / "second", cfg)
    start, end = load_generator(first / MODEL).net.state_dict(), load_generator(second).net.state_dict()
    assert all(torch.allclose(v, end[k], atol=1e-6) for k, v in start.items())  # lr ~0: the weights stay

    (tmp_path / "clash.toml").write_text(f'[train]\ninit = "{first / MODEL}"\n[model]\nwidth = 32\n')
    with pytest.raises(ValueError, match=r"\[model\] differs"):
        Config.load(tmp_path / "clash.toml")
    # `train --init` overrides the file's init and takes that checkpoint's network
    assert Config.load(None, init=str(first / MODEL)).model == tiny_config(3).model
    with pytest.raises(CheckpointError, match="missing.pt"):
        Config.load(None, init=str(tmp_path / "missing.pt"))


def test_train_and_eval_commands_name_a_bad_checkpoint_without_a_traceback(tiny_corpus: Path, tmp_path: Path,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    missing = str(tmp_path / "missing.pt")
    assert main(["train", "--data", str(tiny_corpus), "--out", str(tmp_path / "run"), "--init", missing]) == 2
    assert main(["eval", "--checkpoint", missing, "--data", str(tiny_corpus)]) == 2
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        f"train: no checkpoint at {missing}", f"eval: no checkpoint at {missing}"]
    assert not (tmp_path / "run").exists()  # nothing started


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory) -> Path:
    """A few seconds of synthetic dialogue with train and val splits (shared across tests)."""
    out = tmp_path_factory.mktemp("corpus")
    generate(0.01, out, CorpusConfig(seed=3, turns=(2, 3), shard_samples=2, families=(("espeak", 1.0),), real_test_samples=0), workers=1)
    for split in ("val", "test_identity"):
        if not list(out.glob(f"{split}-*.npz")):  # a short corpus may draw no sample of a split
            shutil.copy(next(out.glob("train-*.npz")), out / f"{split}-00000.npz")
    return out


def tiny_config(steps: int) -> Config:
    cfg = Config()
    cfg.model = ModelConfig(width=16, audio_width=16, heads=2, levels=1)
    cfg.train.window, cfg.train.batch_size, cfg.train.steps = 16, 2, steps
    cfg.train.eval_every = cfg.train.checkpoint_every = 1
    cfg.train.eval_batches, cfg.train.warmup = 1, 1
    return cfg


def test_train_writes_checkpoint_and_resumes(tiny_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    train(tiny_corpus, out, tiny_config(2))
    assert torch.load(out / LAST, weights_only=False)["train_state"]["step"] == 2
    first = load_generator(out / MODEL).net.state_dict()
    train(tiny_corpus, out, tiny_config(3), resume=True)
    assert torch.load(out / LAST, weights_only=False)["train_state"]["step"] == 3
    assert any(not torch.equal(v, load_generator(out / MODEL).net.state_dict()[k]) for k, v in first.items())
    rows = (out / "log.csv").read_text().splitlines()
    assert rows[0].startswith("step,split") and any(",val," in r for r in rows)
    assert (out / "config.toml").exists()

    # the CI smoke run goes on to evaluation, with the model as its own ablation
    results, info, samples, preds = run(out / MODEL, tiny_corpus, ablation=out / MODEL, limit=1, steps=2)
    report = write_report(results, info, samples, preds, tmp_path / "report.md")
    assert "| model (dual-stream) |" in report.read_text() and report.with_suffix(".png").stat().st_size > 0
    assert results[MODEL_ROW]["MSE-FULL"] == results[ABLATION]["MSE-FULL"]
    assert 0.0 <= results[MODEL_ROW][NOISY_F1] <= 1.0 and "noisy masks" in report.read_text()

    # `eval --expect`: the run matches its own report; a changed cell is named
    assert compare(results, report.with_suffix(".json"), rel_tol=0.0) == []
    saved = json.loads(report.with_suffix(".json").read_text())
    saved["results"][MODEL_ROW]["MSE-FULL"] += 1.0
    report.with_suffix(".json").write_text(json.dumps(saved))
    assert [line.split(":")[0] for line in compare(results, report.with_suffix(".json"), rel_tol=0.01)] == [
        f"{MODEL_ROW} / MSE-FULL"]


def test_fifty_steps_overfit_one_batch(tiny_corpus: Path) -> None:
    from talking_together.train.data import WindowSampler, load_samples

    torch.manual_seed(0)
    cfg = tiny_config(50)
    cfg.model.dropout = cfg.model.p_drop_audio = cfg.model.p_drop_layout = 0.0
    samples = load_samples(tiny_corpus, ("train",))
    gen = MotionGenerator(cfg.model, cfg.diffusion, Normalizer.identity())
    from talking_together.train.loop import fit_normalizer
    gen.normalizer = fit_normalizer(samples, cfg.model, np.random.default_rng(0))
    batch = make_step_inputs(WindowSampler(samples, 16, 0).batch(2), gen, cfg, torch.Generator().manual_seed(0), "cpu")
    opt = torch.optim.Adam(gen.net.parameters(), lr=3e-3)
    losses = []
    for _ in range(50):
        loss = compute_loss(gen.net, gen, batch, cfg)["loss"]
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    assert losses[-1] < 0.3 * losses[0], losses[::10]


def test_config_rejects_typos(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text("[train]\nstepz = 3\n")
    with pytest.raises(ValueError, match="stepz"):
        Config.load(tmp_path / "c.toml")
    (tmp_path / "bool.toml").write_text('[diffusion]\nmouth_from_mean = "no"\n')
    with pytest.raises(ValueError, match="mouth_from_mean must be true or false"):
        Config.load(tmp_path / "bool.toml")
    (tmp_path / "ok.toml").write_text(Config().to_toml())
    assert Config.load(tmp_path / "ok.toml") == Config()


def test_corpus_gaze_at_partner_is_the_identity_in_the_eye_frame(tiny_corpus: Path) -> None:
    """The eye frame and the corpus share one geometry: labelled looks at the partner come out as
    no rotation at all, aversions as real turns."""
    from talking_together.model.eye_frame import eyes_to_partner_frame
    from talking_together.model.features import EYE_ROT
    from talking_together.train.data import load_samples

    for s in load_samples(tiny_corpus, ("train",)):
        residual = eyes_to_partner_frame(s.motion.transpose(0, 1).double(), s.layout.double())[..., EYE_ROT]
        dist = (residual - torch.tensor([1.0, 0, 0, 0, 1, 0] * 2, dtype=torch.float64)).abs().amax(-1)  # (2, T)
        at = torch.from_numpy(s.gaze_at_partner.T)
        assert at.any() and float(dist[at].max()) < 1e-5
        if (~at).any():
            assert float(dist[~at].mean()) > 0.05


def test_degraded_masks_leak_lag_and_smooth() -> None:
    from talking_together.train.mask_noise import MaskNoiseConfig, degrade_masks

    masks = torch.zeros(64, 2, 50)
    masks[:, 0, 10:30] = 1.0  # A speaks, B listens
    g = lambda: torch.Generator().manual_seed(0)  # noqa: E731
    assert torch.equal(degrade_masks(masks, MaskNoiseConfig(prob=0.0), g()), masks)
    out = degrade_masks(masks, MaskNoiseConfig(prob=1.0), g())
    assert out.shape == masks.shape and float(out.min()) >= 0 and float(out.max()) <= 1
    assert float(out[:, 1, 10:30].mean()) > 0.1  # B's mask picks up A's speech ...
    assert bool((out[:, 1, 10:30].amax(-1) <= 0.8 + 1e-6).all())  # ... never above max_leak
    assert bool((out[:, 0, 30:35] > 0.01).any())  # late or smoothed: A's mask outlasts the speech
    assert torch.equal(out, degrade_masks(masks, MaskNoiseConfig(prob=1.0), g()))  # seeded
    assert not torch.equal(out, degrade_masks(masks, MaskNoiseConfig(prob=1.0), torch.Generator().manual_seed(1)))
