"""Audio input latency: play a chirp, record it, and find it in the recording.

The loop measures output + input latency together. The input part is what delays the
animation behind the room, so it is estimated as the loop minus the output latency that
PortAudio reports for the device.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy.signal import chirp, correlate

log = logging.getLogger(__name__)


class LatencySkipped(RuntimeError):
    """The loop cannot run here (no sounddevice, no input or no output device); the message says why."""


@dataclass(frozen=True)
class LatencyConfig:
    sample_rate: int = 48_000
    chirp_s: float = 0.3
    f_start: float = 300.0
    f_end: float = 6_000.0
    lead_s: float = 0.2  # silence before the chirp
    tail_s: float = 0.5  # room for the longest latency we expect
    repeats: int = 3  # the median of a few loops ignores one glitch
    min_peak_ratio: float = 12.0  # correlation peak over its median: noise alone reaches ~6


def make_probe(cfg: LatencyConfig) -> tuple[np.ndarray, np.ndarray]:
    """The chirp alone, and the full playback signal: silence, chirp, silence."""
    t = np.arange(int(cfg.chirp_s * cfg.sample_rate)) / cfg.sample_rate
    sweep = chirp(t, cfg.f_start, cfg.chirp_s, cfg.f_end, method="logarithmic") * np.hanning(len(t))
    lead, tail = int(cfg.lead_s * cfg.sample_rate), int(cfg.tail_s * cfg.sample_rate)
    played = np.concatenate([np.zeros(lead), sweep, np.zeros(tail)]).astype(np.float32)
    return sweep.astype(np.float32), played


def find_delay(sweep: np.ndarray, played: np.ndarray, recorded: np.ndarray,
               cfg: LatencyConfig) -> float:
    """Seconds by which the chirp in `recorded` lags the chirp in `played` (matched filter)."""
    def onset(signal: np.ndarray, what: str) -> int:
        xc = np.abs(correlate(signal, sweep, mode="valid"))
        peak = int(np.argmax(xc))
        if xc[peak] < cfg.min_peak_ratio * (np.median(xc) + 1e-12):
            raise ValueError(f"no chirp found in the {what} signal: is the microphone hearing the speaker?")
        return peak
    return (onset(recorded, "recorded") - onset(played, "played")) / cfg.sample_rate


def measure_latency(cfg: LatencyConfig = LatencyConfig(), input_device: int | str | None = None,
                    output_device: int | str | None = None) -> dict[str, float]:
    """Loop and input latency in ms through sounddevice; raises LatencySkipped where it can't run."""
    try:
        import sounddevice as sd
    except (ImportError, OSError) as exc:
        raise LatencySkipped(f"sounddevice/PortAudio is unavailable ({exc}): install libportaudio2 "
                             "and `pip install sounddevice`") from exc
    try:
        out_info = sd.query_devices(output_device, "output")
        sd.query_devices(input_device, "input")
    except (ValueError, sd.PortAudioError) as exc:
        raise LatencySkipped(f"no audio {'output' if 'output' in str(exc) else 'input/output'} device "
                             f"({exc}): the latency loop needs a speaker and a microphone") from exc
    sweep, played = make_probe(cfg)
    loops = []
    for _ in range(cfg.repeats):
        recorded = sd.playrec(played, cfg.sample_rate, channels=1, blocking=True,
                              device=(input_device, output_device))[:, 0]
        loops.append(find_delay(sweep, played, recorded, cfg))
    loop_ms = 1000.0 * float(np.median(loops))
    output_ms = 1000.0 * float(out_info["default_low_output_latency"])
    log.info("latency loops (ms): %s", ", ".join(f"{1000 * x:.1f}" for x in loops))
    return {"loop_ms": loop_ms, "output_ms": output_ms, "input_ms": max(loop_ms - output_ms, 0.0)}
