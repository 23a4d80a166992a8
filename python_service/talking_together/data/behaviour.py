"""Non-verbal ground truth for one dialogue: head, eyes, gaze labels, blinks, brows, smiles.

Everything is generated offline for the whole dialogue, so behaviour may look ahead (a
speaker looks back at the listener before the turn ends). Sources of the rules, see
docs/data.md: speakers avert gaze at turn starts and look back near turn ends (Kendon 1967);
listeners look at the speaker far more than speakers at listeners (Argyle & Cook 1976);
the head takes part of each gaze shift and the eyes the rest (Freedman 2008); blink rates
rise in conversation (Bentivoglio et al. 1997); head motion follows speech prosody
(Munhall et al. 2004; Hadar et al. 1983), and listeners nod at the speaker's pauses.

The head chain, eye aiming and eyeLook weights come from `talking_together.geometry`, so
the corpus and the animators share one definition of the contract's frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter

from talking_together.contract import BLENDSHAPE_INDEX as B
from talking_together.contract import FPS, NUM_EXPRESSIONS, SAMPLES_PER_FRAME
from talking_together.geometry import (
    DEFAULT_HEAD,
    EYE_LOOK_NAMES,
    Anchor,
    HeadGeometry,
    compose_head_world,
    eye_look_blendshapes,
    eye_midpoint_world,
    eye_rotation_towards,
    quat_conjugate,
    quat_from_yaw_pitch_roll,
    quat_multiply,
    quat_rotate,
)

EYE_LOOK_INDEX = np.array([B[name] for name in EYE_LOOK_NAMES])
_ACF_NFFT = 1024  # >= a frame (640) + the longest pitch lag (266 at 60 Hz): no circular wrap


@dataclass
class BehaviourConfig:
    head_follow: float = 0.5  # share of a gaze shift taken by the head (Freedman 2008)
    eye_limit_deg: float = 30.0  # the head turns further when the eyes would exceed this
    head_catch_up_s: float = 0.08  # per lag of two: the head ends a gaze shift after the eyes (Freedman 2008)
    neck_share: float = 0.4  # of the head's rotation, the part done at the neck joint
    speaker_aversion_prob: float = 0.7  # at a turn start (Kendon 1967)
    # glances at the partner alternate with aversions; the means give the shares that Argyle &
    # Cook (1976) report: speakers look ~41% of the time, listeners ~75%, in ~3 s glances
    speaker_glance_s: float = 0.8  # mean, at least 0.5 s; with the look-back before each turn end
    speaker_away_s: tuple[float, float] = (1.0, 4.0)
    listener_glance_s: float = 3.0
    listener_away_s: tuple[float, float] = (0.5, 1.5)
    look_back_s: float = 0.8  # a speaker looks back this long before the turn ends
    # spontaneous blinks; with those at gaze shifts the totals come to ~20 and ~15 a minute
    # (Bentivoglio et al. 1997), as `talking-together data stats` measures
    blink_rate_speaking_per_min: float = 14.0
    blink_rate_listening_per_min: float = 9.5
    blink_prob_at_gaze_shift: float = 0.2  # blinks go with (large) gaze shifts (Evinger et al. 1994)
    nod_prob_at_pause: float = 0.4
    smile_rate_hz: float = 1 / 15
    brow_prob_on_stress: float = 0.25


@dataclass
class Track:
    """One participant's per-frame ground truth, per the contract."""

    expression: np.ndarray  # (T, 52) in [0, 1]
    translation: np.ndarray  # (T, 3) neck base offset from the anchor, anchor frame
    neck: np.ndarray  # (T, 4) quat (x, y, z, w) rel. anchor
    head: np.ndarray  # (T, 4) rel. neck
    left_eye: np.ndarray  # (T, 4) rel. head
    right_eye: np.ndarray  # (T, 4) rel. head
    head_world_position: np.ndarray  # (T, 3) in R
    head_world_rotation: np.ndarray  # (T, 4) in R
    gaze_at_partner: np.ndarray  # (T,) bool: both eyes aim at the partner's eye midpoint


def yaw_pitch(direction: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Yaw (about +Y) and pitch (about +X) that turn -Z onto `direction` (..., 3)."""
    x, y, z = direction[..., 0], direction[..., 1], direction[..., 2]
    return np.arctan2(-x, -z), np.arctan2(y, np.hypot(x, z))


def _smooth(x: np.ndarray, tau_s: float) -> np.ndarray:
    """First-order low-pass over frames, forward only (the head lags the eyes), from x[0]."""
    a = np.exp(-1.0 / (tau_s * FPS))
    return lfilter([1 - a], [1, -a], x, zi=[a * x[0]])[0]


def _catch_up(head: np.ndarray, gaze: np.ndarray, eye_limit: float, tau_s: float) -> np.ndarray:
    """The head angle plus what the eyes cannot reach from it, taken up over two lags:
    gaze offsets are steps (saccades), and a head that followed them at once would jump."""
    excess = np.sign(gaze - head) * np.clip(np.abs(gaze - head) - eye_limit, 0, None)
    return head + _smooth(_smooth(excess, tau_s), tau_s)


def _ou(rng: np.random.Generator, n: int, sd: float, tau_s: float) -> np.ndarray:
    """Ornstein-Uhlenbeck noise: slow random drift with standard deviation `sd`."""
    a = np.exp(-1.0 / (tau_s * FPS))
    return lfilter([sd * np.sqrt(1 - a * a)], [1, -a], rng.standard_normal(n))


def _pulse(n: int, at: np.ndarray, shape: np.ndarray) -> np.ndarray:
    """Sum of copies of `shape` (frames) starting at frame indices `at`."""
    out = np.zeros(n + len(shape))
    for i in at.astype(int):
        if 0 <= i < n:
            out[i:i + len(shape)] += shape
    return out[:n]


def _intervals(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) frame runs where `mask` is true."""
    d = np.diff(np.concatenate([[0], mask.astype(int), [0]]))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


def gaze_plan(own_turns: list[tuple[float, float]], speaking: np.ndarray, rng: np.random.Generator,
              cfg: BehaviourConfig) -> tuple[np.ndarray, np.ndarray]:
    """(T,) bool at-partner flags and (T, 2) aversion yaw/pitch offsets (rad) where away."""
    n = len(speaking)
    away = np.zeros(n, bool)
    offsets = np.zeros((n, 2))

    def avert(a: int, b: int) -> int:
        a, b = max(a, 0), min(b, n)
        if b > a:
            away[a:b] = True
            side = rng.choice([-1.0, 1.0])
            offsets[a:b] = [side * np.radians(rng.uniform(10, 25)), -np.radians(rng.uniform(3, 15))]
        return b

    def glance(mean_s: float) -> int:
        """Frames of looking at the partner: at least 0.5 s, exponential beyond."""
        return int((0.5 + rng.exponential(mean_s - 0.5)) * FPS)

    def frames(range_s: tuple[float, float]) -> int:
        return int(rng.uniform(*range_s) * FPS)

    for start, end in own_turns:
        a, b = int(start * FPS), int(end * FPS)
        last = b - int(cfg.look_back_s * FPS)  # look back at the listener before the end
        t = a
        if end - start > 1.5 and rng.random() < cfg.speaker_aversion_prob:
            t = avert(a - 5, min(a + frames((0.6, 2.0)), last))
        t += glance(cfg.speaker_glance_s)
        while t < last:
            t = avert(t, min(t + frames(cfg.speaker_away_s), last)) + glance(cfg.speaker_glance_s)
    t = glance(cfg.listener_glance_s)
    while t < n:  # listening aversions, only where this person does not speak
        end = t + frames(cfg.listener_away_s)
        if not speaking[t:end].any():
            avert(t, end)
        t = end + glance(cfg.listener_glance_s)
    return ~away, offsets


def prosody(source: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame energy (dB, 0 at the loudest frame) and F0 (Hz, 0 where unvoiced)."""
    frames = source[: len(source) // SAMPLES_PER_FRAME * SAMPLES_PER_FRAME].reshape(-1, SAMPLES_PER_FRAME)
    rms = np.sqrt(np.mean(frames**2, 1)) + 1e-9
    energy = 20 * np.log10(rms / rms.max())
    spec = np.abs(np.fft.rfft(frames * np.hanning(SAMPLES_PER_FRAME), _ACF_NFFT, axis=1)) ** 2
    ac = np.fft.irfft(spec, axis=1)[:, :SAMPLES_PER_FRAME]
    lo, hi = 16000 // 400, 16000 // 60  # 60..400 Hz
    lag = lo + np.argmax(ac[:, lo:hi], axis=1)
    voiced = (ac[np.arange(len(ac)), lag] > 0.4 * ac[:, 0]) & (energy > -35)
    return energy.astype(np.float32), np.where(voiced, 16000.0 / lag, 0.0).astype(np.float32)


def head_motion(speaking: np.ndarray, energy: np.ndarray, f0: np.ndarray, stress_frames: np.ndarray,
                nod_frames: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(T, 3) yaw, pitch, roll (rad) of conversational head motion, before gaze-following."""
    n = len(speaking)
    active = _smooth(speaking.astype(float), 0.3)
    e = np.clip((energy + 40) / 40, 0, 1) * speaking
    voiced = f0 > 0
    f0n = np.zeros(n)
    if voiced.any():
        f0n[voiced] = (f0[voiced] - np.median(f0[voiced])) / (np.median(f0[voiced]) + 1e-9)
    # speakers raise the head with loud, high stretches and beat down on stressed syllables
    pitch = np.radians(4.0) * _smooth(e - e.mean(), 0.15) + np.radians(6.0) * _smooth(f0n, 0.2)
    beat = np.sin(np.linspace(0, np.pi, 8))  # ~0.3 s down-up
    pitch -= np.radians(rng.uniform(1.5, 3.0)) * _pulse(n, stress_frames, beat)
    nod = np.sin(np.linspace(0, 4 * np.pi, 25)) * np.hanning(25)  # two nods in one second
    pitch -= np.radians(rng.uniform(3.0, 6.0)) * _pulse(n, nod_frames, nod)
    yaw = _ou(rng, n, np.radians(3.0), 1.5) * (0.5 + active)
    roll = _ou(rng, n, np.radians(2.0), 2.0) * (0.5 + 0.5 * active)
    return np.stack([yaw, pitch, roll], -1)


def expression_extras(speaking: np.ndarray, energy: np.ndarray, stress_frames: np.ndarray,
                      question_ends: np.ndarray, gaze_shifts: np.ndarray, rng: np.random.Generator,
                      cfg: BehaviourConfig) -> np.ndarray:
    """(T, 52) blinks, brows and smiles; the mouth comes from the visemes."""
    n = len(speaking)
    out = np.zeros((n, NUM_EXPRESSIONS), np.float32)
    rate = np.where(speaking > 0, cfg.blink_rate_speaking_per_min, cfg.blink_rate_listening_per_min) / 60 / FPS
    starts, last = [], -10
    for i in np.flatnonzero((rng.random(n) < rate) | (gaze_shifts & (rng.random(n) < cfg.blink_prob_at_gaze_shift))):
        if i - last >= 8:  # at least 0.3 s between blinks
            starts.append(i)
            last = i
    blink = np.clip(_pulse(n, np.array(starts), np.array([0.5, 1.0, 0.7, 0.35, 0.1])), 0, 1)
    out[:, B["eyeBlinkLeft"]] = out[:, B["eyeBlinkRight"]] = blink

    loud = stress_frames[(energy[np.clip(stress_frames, 0, n - 1)] > -12)]
    raise_ = np.sin(np.linspace(0, np.pi, 10))
    brows = _pulse(n, loud[rng.random(len(loud)) < cfg.brow_prob_on_stress], raise_ * rng.uniform(0.3, 0.5))
    brows += _pulse(n, question_ends - 12, np.sin(np.linspace(0, np.pi, 18)) * 0.3)
    out[:, B["browInnerUp"]] = np.clip(brows, 0, 1)
    out[:, B["browOuterUpLeft"]] = out[:, B["browOuterUpRight"]] = np.clip(0.7 * brows, 0, 1)

    smile = np.zeros(n)
    t = int(rng.exponential(1 / cfg.smile_rate_hz) * FPS)
    while t < n:
        length = int(rng.uniform(1.0, 4.0) * FPS)
        smile[t:t + length] = np.maximum(smile[t:t + length], rng.uniform(0.2, 0.6) * np.hanning(length)[: n - t])
        t += length + int(rng.exponential(1 / cfg.smile_rate_hz) * FPS)
    for name, gain in (("mouthSmileLeft", 1.0), ("mouthSmileRight", 1.0), ("cheekSquintLeft", 0.5),
                       ("cheekSquintRight", 0.5), ("eyeSquintLeft", 0.3), ("eyeSquintRight", 0.3)):
        out[:, B[name]] = np.clip(gain * smile, 0, 1)
    return out


def animate(
    anchors: tuple[Anchor, Anchor], masks: np.ndarray, sources: np.ndarray, mouths: tuple[np.ndarray, np.ndarray],
    turns: list[tuple[int, float, float, str]], turn_kinds: list[str],
    stress_times: tuple[np.ndarray, np.ndarray], rng: np.random.Generator,
    geom: HeadGeometry = DEFAULT_HEAD, cfg: BehaviourConfig = BehaviourConfig(),
) -> tuple[Track, Track]:
    """Both participants' tracks. `mouths[k]` is the (T, 52) viseme track of person k."""
    n = len(masks)
    identity = np.array([0.0, 0.0, 0.0, 1.0])
    rest_eyes = [eye_midpoint_world(*compose_head_world(a, np.zeros(3), identity, identity, geom), geom)
                 for a in anchors]
    poses = []
    for k in range(2):
        anchor, speaking = anchors[k], masks[:, k] > 0
        own = [(a, b) for (s, a, b, _), kind in zip(turns, turn_kinds) if s == k and kind != "backchannel"]
        at_partner, offsets = gaze_plan(own, speaking, rng, cfg)
        energy, f0 = prosody(sources[k])
        stress_frames = (np.asarray(stress_times[k]) * FPS).astype(int)
        partner_pauses = [b for a, b in _intervals(masks[:, 1 - k] > 0) if b < n - 5]
        nods = np.array([b for b in partner_pauses if rng.random() < cfg.nod_prob_at_pause] +
                        [int(a * FPS) for (s, a, _, _), kind in zip(turns, turn_kinds) if s == k and kind == "backchannel"])
        motion = head_motion(speaking, energy, f0, stress_frames, nods, rng)

        # the gaze direction wanted, in the anchor frame: the partner at rest, or turned away
        to_partner = quat_rotate(quat_conjugate(anchor.rotation), rest_eyes[1 - k] - rest_eyes[k])
        g_yaw, g_pitch = yaw_pitch(to_partner)
        g_yaw, g_pitch = g_yaw + offsets[:, 0], g_pitch + offsets[:, 1]
        h_yaw = _smooth(cfg.head_follow * g_yaw, 0.2) + motion[:, 0]
        h_pitch = _smooth(cfg.head_follow * g_pitch, 0.2) + motion[:, 1]
        limit = np.radians(cfg.eye_limit_deg) * 0.9
        h_yaw = _catch_up(h_yaw, g_yaw, limit, cfg.head_catch_up_s)
        h_pitch = _catch_up(h_pitch, g_pitch, limit, cfg.head_catch_up_s)
        neck = quat_from_yaw_pitch_roll(cfg.neck_share * h_yaw, cfg.neck_share * h_pitch, cfg.neck_share * motion[:, 2])
        head = quat_multiply(quat_conjugate(neck), quat_from_yaw_pitch_roll(h_yaw, h_pitch, motion[:, 2]))

        active = _smooth(speaking.astype(float), 0.5)
        t = np.stack([_ou(rng, n, 0.012, 3.0), _ou(rng, n, 0.004, 3.0), _ou(rng, n, 0.012, 3.0) - 0.02 * active], -1)
        pos, rot = compose_head_world(anchor, t, neck, head, geom)
        question_ends = np.array([int(b * FPS) for (s, _, b, text), kind in zip(turns, turn_kinds)
                                  if s == k and text.rstrip().endswith("?")], int)
        poses.append(dict(t=t, neck=neck, head=head, pos=pos, rot=rot, at=at_partner, off=offsets,
                          energy=energy, stress=stress_frames, q_end=question_ends, speaking=speaking))

    tracks = []
    for k in range(2):
        p, q = poses[k], poses[1 - k]
        target = eye_midpoint_world(q["pos"], q["rot"], geom)  # the partner's actual eyes, per frame
        own_mid = eye_midpoint_world(p["pos"], p["rot"], geom)
        # away: the partner's direction turned by the aversion offset (anchor frame), 1.5 m out
        a_rot = anchors[k].rotation
        to = quat_rotate(quat_conjugate(a_rot), target - own_mid)
        off = quat_from_yaw_pitch_roll(p["off"][:, 0], p["off"][:, 1], np.zeros(n))
        away = quat_rotate(a_rot, quat_rotate(off, to / np.linalg.norm(to, axis=-1, keepdims=True)))
        aim = np.where(p["at"][:, None], target, own_mid + 1.5 * away)
        aim_head = quat_rotate(quat_conjugate(p["rot"]), aim - p["pos"])  # in the head frame
        left_pos, right_pos = geom.eye_offsets()
        left_eye, right_eye = eye_rotation_towards(aim_head, left_pos), eye_rotation_towards(aim_head, right_pos)

        gaze_shift = np.concatenate([[False], np.diff(p["at"].astype(int)) != 0])
        expr = expression_extras(p["speaking"], p["energy"], p["stress"], p["q_end"], gaze_shift, rng, cfg)
        expr = np.clip(expr + mouths[k], 0, 1)
        expr[:, EYE_LOOK_INDEX] = eye_look_blendshapes(left_eye, right_eye)
        f32 = lambda x: np.asarray(x, np.float32)  # noqa: E731
        tracks.append(Track(
            expression=f32(expr), translation=f32(p["t"]), neck=f32(p["neck"]), head=f32(p["head"]),
            left_eye=f32(left_eye), right_eye=f32(right_eye), head_world_position=f32(p["pos"]),
            head_world_rotation=f32(p["rot"]), gaze_at_partner=p["at"].copy(),
        ))
    return tracks[0], tracks[1]
