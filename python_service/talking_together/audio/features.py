"""Log-mel features in torch: the audio encoder's input, computed the same way live and in training."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from talking_together.contract import SAMPLE_RATE


@dataclass(frozen=True)
class LogMelConfig:
    sample_rate: int = SAMPLE_RATE
    n_fft: int = 512
    win_length: int = 400  # 25 ms
    hop_length: int = 160  # 10 ms: 4 feature frames per 25 fps animation frame
    n_mels: int = 80
    f_min: float = 40.0
    f_max: float = 7_600.0
    floor: float = 1e-5


def mel_filterbank(cfg: LogMelConfig) -> torch.Tensor:
    """(n_mels, n_fft // 2 + 1) triangular filters on the HTK mel scale."""

    def hz_to_mel(f: float | torch.Tensor) -> torch.Tensor:
        return 2595.0 * torch.log10(1.0 + torch.as_tensor(f) / 700.0)

    def mel_to_hz(m: torch.Tensor) -> torch.Tensor:
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)

    mels = torch.linspace(hz_to_mel(cfg.f_min), hz_to_mel(cfg.f_max), cfg.n_mels + 2)
    hz = mel_to_hz(mels)  # (n_mels + 2,)
    bins = torch.linspace(0, cfg.sample_rate / 2, cfg.n_fft // 2 + 1)  # (F,)
    lower, center, upper = hz[:-2, None], hz[1:-1, None], hz[2:, None]
    rising = (bins - lower) / (center - lower)
    falling = (upper - bins) / (upper - center)
    return torch.clamp(torch.minimum(rising, falling), min=0.0)


class LogMel(nn.Module):
    """(B, n) waveform at 16 kHz -> (B, T, n_mels) log-mel, T = n // hop_length (centred frames)."""

    def __init__(self, cfg: LogMelConfig = LogMelConfig()) -> None:
        super().__init__()
        self.cfg = cfg
        self.register_buffer("window", torch.hann_window(cfg.win_length), persistent=False)
        self.register_buffer("filters", mel_filterbank(cfg), persistent=False)

    def forward(self, wav: torch.Tensor) -> torch.Tensor:
        spec = torch.stft(
            wav,
            n_fft=self.cfg.n_fft,
            hop_length=self.cfg.hop_length,
            win_length=self.cfg.win_length,
            window=self.window,
            center=True,
            return_complex=True,
        )  # (B, F, T + 1)
        power = spec.abs().pow(2)[..., : wav.shape[-1] // self.cfg.hop_length]
        mel = torch.einsum("mf,bft->btm", self.filters, power)
        return torch.log(mel.clamp_min(self.cfg.floor)) / math.log(10.0)
