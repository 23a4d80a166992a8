"""The network and the sampler: shapes, stream symmetry, cross-stream coupling, DDIM, checkpoints."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from talking_together.geometry import quat_from_yaw_pitch_roll
from talking_together.model import (
    MOTION_DIM,
    CheckpointError,
    KnownX0,
    ModelConfig,
    MotionGenerator,
    NoiseSchedule,
    audio_features,
    ddim_sample,
    ddim_step,
    layout_features,
    load_generator,
    pack_motion,
    save_checkpoint,
    unpack_motion,
)

B, T = 2, 24  # T is not a multiple of 4: the U-Net pads and crops


def tiny(**kw) -> MotionGenerator:
    torch.manual_seed(0)
    gen = MotionGenerator(ModelConfig(width=16, audio_width=16, heads=2, dropout=0.0, **kw)).eval()
    for m in gen.net.modules():  # attention outputs start at zero; make the coupling visible untrained
        if hasattr(m, "out") and isinstance(m.out, torch.nn.Linear):
            torch.nn.init.normal_(m.out.weight, std=0.5)
    return gen


def inputs(seed: int = 0) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return {
        "x_t": torch.randn(B, 2, T, MOTION_DIM, generator=g), "steps": torch.tensor([10, 900]),
        "audio": torch.randn(B, 4 * T, 160, generator=g), "masks": torch.rand(B, 2, T, generator=g),
        "layout": torch.randn(B, 2, 6, generator=g),
        "prefix": torch.zeros(B, 2, T, MOTION_DIM), "prefix_mask": torch.zeros(B, T),
    }


def run(gen: MotionGenerator, inp: dict[str, torch.Tensor]) -> torch.Tensor:
    with torch.no_grad():
        return gen.net(**inp)


def swap(inp: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """A and B exchanged in every per-person input."""
    out = dict(inp)
    for k in ("x_t", "masks", "layout", "prefix"):
        out[k] = inp[k].flip(1)
    return out


def test_shapes() -> None:
    assert run(tiny(), inputs()).shape == (B, 2, T, MOTION_DIM)


def test_streams_are_exchangeable() -> None:
    gen, inp = tiny(), inputs()
    torch.testing.assert_close(run(gen, swap(inp)), run(gen, inp).flip(1), atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("cross", [True, False])
def test_cross_attention_couples_streams(cross: bool) -> None:
    """Changing B's inputs (its speaking mask and noisy motion) moves A's output only through cross-attention."""
    gen, inp = tiny(cross_attention=cross), inputs()
    changed = dict(inp)
    changed["masks"] = inp["masks"].clone()
    changed["masks"][:, 1] = 1 - inp["masks"][:, 1]
    changed["x_t"] = inp["x_t"].clone()
    changed["x_t"][:, 1] += 1.0
    delta_a = (run(gen, changed)[:, 0] - run(gen, inp)[:, 0]).abs().max().item()
    assert (delta_a > 1e-3) if cross else (delta_a < 1e-6)


def test_static_condition_kept_across_steps_is_exact() -> None:
    """The sampler computes the step-free condition (audio encoder included) once per window; passing
    it in must give the very output the network computes without it, guidance drops included."""
    gen, inp = tiny(), inputs()
    drop = torch.tensor([False, True])
    static = gen.net.static_condition(inp["audio"], inp["masks"], inp["layout"], drop, ~drop)
    with torch.no_grad():
        fresh = gen.net(**inp, drop_audio=drop, drop_layout=~drop)
        kept = gen.net(**inp, drop_audio=drop, drop_layout=~drop, static=static)
    assert torch.equal(fresh, kept)


def test_audio_changes_output() -> None:
    gen, inp = tiny(), inputs()
    louder = dict(inp, audio=inp["audio"] + 1.0)
    assert (run(gen, louder) - run(gen, inp)).abs().max() > 1e-3


def test_ddim_one_step_is_the_x0_prediction() -> None:
    schedule = NoiseSchedule(1000)
    noise = torch.randn(3, 5)
    seen = []

    def predict(x: torch.Tensor, steps: torch.Tensor) -> torch.Tensor:
        seen.append(int(steps[0]))
        return x * 0.5 + steps[:, None].float()

    out = ddim_sample(predict, noise, schedule, 1)
    torch.testing.assert_close(out, noise * 0.5 + 999.0)
    assert seen == [999]


def test_ddim_recovers_clean_data_from_an_oracle() -> None:
    """With the exact x0 every step, any number of steps must land on x0."""
    x0 = torch.randn(4, 7)
    out = ddim_sample(lambda x, s: x0, torch.randn(4, 7), NoiseSchedule(), 5)
    torch.testing.assert_close(out, x0)


def gaussian_posterior_mean(schedule: NoiseSchedule, mu: float, sd: float):
    """The exact x0 predictor for data x0 ~ N(mu, sd^2) in every dimension."""
    def predict(x: torch.Tensor, steps: torch.Tensor) -> torch.Tensor:
        ab = schedule.alpha_bar[steps].view(-1, *([1] * (x.ndim - 1)))
        return mu + ab.sqrt() * sd**2 / (ab * sd**2 + 1 - ab) * (x - ab.sqrt() * mu)
    return predict


def test_ddim_holds_dims_at_the_mean_and_samples_the_rest() -> None:
    """Held dimensions land on the data's mean with no spread; the others keep the data's spread."""
    schedule, mu, sd = NoiseSchedule(), 0.3, 0.5
    noise = torch.randn(4000, 6, generator=torch.Generator().manual_seed(0))
    predict = gaussian_posterior_mean(schedule, mu, sd)
    hold = torch.tensor([True, True, False, False, False, False])
    out = ddim_sample(predict, noise, schedule, 50, hold=hold)  # fewer steps shrink the spread
    held, free = out[:, :2], out[:, 2:]
    assert held.std() < 0.05 * sd and (held.mean() - mu).abs() < 0.01
    assert 0.85 * sd < free.std() < 1.15 * sd and (free.mean() - mu).abs() < 0.05
    torch.testing.assert_close(free, ddim_sample(predict, noise, schedule, 50)[:, 2:])  # untouched
    # 2 steps: the first estimate is only cleaned once, with or without hold
    torch.testing.assert_close(ddim_sample(predict, noise, schedule, 2, hold=hold), ddim_sample(predict, noise, schedule, 2))


def test_ddim_step_is_pure_and_known_x0_comes_back_exactly() -> None:
    """The step depends on its arguments only; the sampler puts known entries (the prefix at every
    step, held dims from the first estimate until the last step) into x0 bit for bit."""
    schedule, g = NoiseSchedule(), torch.Generator().manual_seed(0)
    x_t, x0 = torch.randn(2, 2, 6, 5, generator=g), torch.randn(2, 2, 6, 5, generator=g)
    ab, ab_prev = schedule.alpha_bar[700], schedule.alpha_bar[300]
    assert torch.equal(ddim_step(x_t, x0, ab, ab_prev), ddim_step(x_t.clone(), x0.clone(), ab, ab_prev))  # no state
    assert torch.equal(ddim_step(x_t, x0, ab, torch.tensor(1.0)), x0)  # alpha_bar 1: the clean estimate itself

    prefix = KnownX0(torch.arange(6).view(1, 1, 6, 1) < 2, torch.randn(2, 2, 6, 5, generator=g))  # frames 0-1
    hold = torch.tensor([True, True, False, False, False])  # dims 0-1
    inputs, predictions = [], []

    def predict(x: torch.Tensor, s: torch.Tensor) -> torch.Tensor:  # a network that ignores its input
        inputs.append(x)
        predictions.append(torch.randn(x.shape, generator=g))
        return predictions[-1].clone()

    noise = torch.randn(2, 2, 6, 5, generator=g)
    out = ddim_sample(predict, noise, schedule, 4, known=prefix, hold=hold)
    levels, x = schedule.timesteps(4), noise
    first = prefix.apply(predictions[0])
    for i in range(3):  # the steps as they must be: prefix kept, then dims 0-1 at the first estimate too
        x0 = first if i == 0 else prefix.apply(predictions[i])
        x0[..., :2] = first[..., :2]
        x = ddim_step(x, x0, schedule.alpha_bar[levels[i]], schedule.alpha_bar[levels[i + 1]])
        assert torch.equal(inputs[i + 1], x)
    assert torch.equal(out, prefix.apply(predictions[3]))  # the last step keeps the prefix only
    assert torch.equal(out[:, :, :2], prefix.values[:, :, :2])


def test_default_checkpoint_holds_the_mouth(held_out: dict) -> None:
    """With the shipped checkpoint on held-out speech: another starting noise moves the held mouth
    far less than a mouth sampled over all steps (decision 0006)."""
    from talking_together.model.features import LIP

    gen = load_generator()
    assert gen.diffusion_cfg.mouth_from_mean  # the default
    frames = 128
    audio = audio_features(torch.from_numpy(held_out["audio"][:, : frames * 640].astype(np.float32) / 32768))
    masks = torch.from_numpy(held_out["masks"][:frames].T.astype(np.float32))[None]
    layout = torch.from_numpy(layout_features(held_out["anchors"]))[None]
    draw = lambda seed, mean: gen.sample(audio, masks, layout, settings=gen.settings.override(steps=8, mouth_from_mean=mean),
                                         generator=torch.Generator().manual_seed(seed))[..., LIP]
    held = (draw(0, None) - draw(1, None)).pow(2).mean()
    sampled = (draw(0, False) - draw(1, False)).pow(2).mean()
    assert held < 0.25 * sampled, f"mouth spread across noise: held {held:.2e}, sampled {sampled:.2e}"


def valid_motion(shape: tuple[int, ...], seed: int = 0, eye_roll: bool = True) -> torch.Tensor:
    """(*shape, 79) raw motion with real rotations: random poses, eyes, offsets and weights."""
    rng = np.random.default_rng(seed)
    angles = [rng.uniform(-0.4, 0.4, (*shape, 4)) for _ in range(3)]
    if not eye_roll:
        angles[2][..., 2:] = 0.0
    expr, trans = rng.uniform(0, 1, (*shape, 52)), rng.normal(0, 0.02, (*shape, 3))
    return torch.as_tensor(pack_motion(expr, quat_from_yaw_pitch_roll(*angles), trans))


def seated_layout(b: int, seed: int = 0) -> torch.Tensor:
    """(b, 2, 6) layouts of two people about 1.5 m apart, turned toward each other."""
    rng = np.random.default_rng(seed)
    a = np.zeros((b, 2, 4))
    a[:, 1, 0], a[:, 1, 2] = rng.uniform(0.8, 1.4, b), rng.uniform(-1.4, -0.8, b)
    a[:, :, 1] = 1.1
    a[:, 0, 3], a[:, 1, 3] = rng.uniform(-1, 1, b), rng.uniform(2, 3, b)
    return torch.from_numpy(layout_features(a))


def test_sample_keeps_the_prefix_and_guidance_runs() -> None:
    gen, inp = tiny(), inputs()
    prefix, layout = valid_motion((B, 2, 5), eye_roll=False), seated_layout(B)  # as sampled: eyes without torsion
    out = gen.sample(inp["audio"], inp["masks"], layout, prefix=prefix, settings=gen.settings.override(steps=3, guidance=2.0),
                     generator=torch.Generator().manual_seed(0))
    assert out.shape == (B, 2, T, MOTION_DIM)
    torch.testing.assert_close(out[:, :, :5], prefix, atol=1e-4, rtol=1e-4)


def test_motion_round_trip() -> None:
    rng = np.random.default_rng(0)
    q = quat_from_yaw_pitch_roll(rng.uniform(-1, 1, (5, 4)), rng.uniform(-1, 1, (5, 4)), rng.uniform(-1, 1, (5, 4)))
    expr, trans = rng.uniform(0, 1, (5, 52)), rng.normal(0, 0.02, (5, 3))
    back = unpack_motion(pack_motion(expr, q, trans))
    np.testing.assert_allclose(np.abs((back["rotations"] * q).sum(-1)), 1.0, atol=1e-5)  # q and -q agree
    np.testing.assert_allclose(back["expression"], expr, atol=1e-6)


def test_audio_features_mono_and_multichannel() -> None:
    wav = torch.randn(2, 16_000) * 0.1
    f = audio_features(wav)
    assert f.shape == (1, 100, 160)
    assert audio_features(wav[:1])[..., 80:].abs().max() == 0  # no inter-channel cue from one channel
    assert f[..., 80:].abs().max() > 0


def test_layout_features_are_room_invariant() -> None:
    anchors = np.array([[0.0, 1.0, 0.0, -np.pi / 2], [1.2, 1.1, 0.0, np.pi / 2]])
    f = layout_features(anchors)
    np.testing.assert_allclose(f[0, :3], [0.0, 0.1, -1.2], atol=1e-6)  # B straight ahead of A (-Z), 10 cm up
    turned = anchors.copy()
    c, s = np.cos(0.7), np.sin(0.7)
    turned[:, 0], turned[:, 2] = c * anchors[:, 0] + s * anchors[:, 2], -s * anchors[:, 0] + c * anchors[:, 2]
    turned[:, 3] += 0.7
    np.testing.assert_allclose(layout_features(turned), f, atol=1e-5)


def test_checkpoint_round_trip_and_clear_errors(tmp_path) -> None:
    gen = tiny()
    save_checkpoint(tmp_path / "m.pt", gen)
    loaded, inp = load_generator(tmp_path / "m.pt"), inputs()
    torch.testing.assert_close(run(loaded, inp), run(gen, inp))
    (tmp_path / "bad.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="not a readable"):
        load_generator(tmp_path / "bad.pt")
    with pytest.raises(CheckpointError, match="no checkpoint"):
        load_generator(tmp_path / "missing.pt")
    torch.save({"format": "something else"}, tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="format"):
        load_generator(tmp_path / "other.pt")


def test_eye_frame_round_trip_and_identity_looks_at_the_partner() -> None:
    """An identity residual aims both eyes at the partner's eye midpoint, as the metrics measure it
    (evaluate.metrics: world anchors, its own head chain), whatever the heads do."""
    from talking_together.evaluate.metrics import Truth, mutual_gaze_error
    from talking_together.model.eye_frame import eyes_from_partner_frame, eyes_to_partner_frame
    from talking_together.model.features import EYE_ROT

    anchors = np.array([[0.0, 1.1, 0.0, 0.3], [1.2, 1.15, -0.9, 2.6]])
    layout = torch.from_numpy(layout_features(anchors))  # (2, 6)
    motion = valid_motion((2, 50), seed=2, eye_roll=False).double()  # (2, T, 79), eyes without torsion, as decoded
    torch.testing.assert_close(eyes_from_partner_frame(eyes_to_partner_frame(motion, layout), layout), motion,
                               atol=1e-6, rtol=1e-6)

    at_partner = motion.clone()
    at_partner[..., EYE_ROT] = torch.tensor([1.0, 0, 0, 0, 1, 0] * 2, dtype=torch.float64)  # 6D identity, both eyes
    decoded = eyes_from_partner_frame(at_partner, layout).transpose(0, 1).numpy()  # (T, 2, 79)
    truth = Truth(decoded, np.zeros((50, 2)), anchors, np.ones((50, 2), bool))
    total, count = mutual_gaze_error(decoded, truth)
    assert count == 100 and total / count < 0.05  # vergence: the two eyes' mean ray misses by ~0.01 deg
    off = mutual_gaze_error(motion.transpose(0, 1).numpy(), truth)  # the random eyes do not
    assert off[0] / off[1] > 5.0


def test_eyes_at_partner_needs_the_shared_layout() -> None:
    with pytest.raises(ValueError, match="eyes_at_partner needs shared_layout"):
        ModelConfig(shared_layout=False)
    ModelConfig(shared_layout=False, eyes_at_partner=False)
