"""The dual-stream denoiser: one shared-weight 1D temporal U-Net over persons A and B, batched as 2B.

Streams are stacked [A's batch; B's batch] along the batch axis, so every layer runs once for
both people. They meet only in the decoder's cross-attention, where A attends to B and B to A
with the same weights; swapping A's and B's inputs therefore swaps the outputs.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from talking_together.model.config import AUDIO_DIM, LAYOUT_DIM, MELS_PER_FRAME, MOTION_DIM, ModelConfig


def sinusoidal(x: torch.Tensor, dim: int) -> torch.Tensor:
    """(...,) positions or diffusion steps -> (..., dim) sin/cos features at log-spaced frequencies."""
    freqs = torch.exp(-math.log(10_000.0) * torch.arange(dim // 2, device=x.device) / (dim // 2))
    angles = x[..., None].float() * freqs
    return torch.cat([angles.sin(), angles.cos()], -1)


def groups(c: int) -> int:
    return math.gcd(c, 8)


class AudioEncoder(nn.Module):
    """(N, 4T, 160) log-mel features -> (N, T, audio_width); trained from scratch, no pretrained weights.

    Two stride-2 convolutions take the 10 ms mel hops to the 40 ms animation frame; dilated
    residual convolutions then see about +-0.5 s of context, enough for coarticulation.
    """

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        w = cfg.audio_width
        assert MELS_PER_FRAME == 4, "two stride-2 convs assume 4 mel frames per animation frame"
        self.inp = nn.Conv1d(AUDIO_DIM, w, 3, padding=1)
        self.down = nn.Sequential(nn.GELU(), nn.Conv1d(w, w, 4, stride=2, padding=1), nn.GELU(),
                                  nn.Conv1d(w, w, 4, stride=2, padding=1))
        self.layers = nn.ModuleList(
            nn.Sequential(nn.GroupNorm(groups(w), w), nn.GELU(), nn.Conv1d(w, w, 3, padding=2**i, dilation=2**i))
            for i in range(cfg.audio_layers)
        )

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        h = self.down(self.inp(feats.transpose(1, 2)))  # (N, w, T)
        for layer in self.layers:
            h = h + layer(h)
        return h.transpose(1, 2)  # (N, T, w)


class ResBlock(nn.Module):
    """Conv residual block; the per-frame condition enters by FiLM: norm(h) * (1 + scale) + shift."""

    def __init__(self, c_in: int, c_out: int, cond_dim: int, dropout: float) -> None:
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(groups(c_in), c_in), nn.Conv1d(c_in, c_out, 3, padding=1)
        self.norm2, self.conv2 = nn.GroupNorm(groups(c_out), c_out), nn.Conv1d(c_out, c_out, 3, padding=1)
        self.film = nn.Conv1d(cond_dim, 2 * c_out, 1)
        self.drop = nn.Dropout(dropout)
        self.skip = nn.Conv1d(c_in, c_out, 1) if c_in != c_out else nn.Identity()

    def forward(self, h: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        # h (N, c_in, T'), cond (N, cond_dim, T') at the same resolution
        x = self.conv1(F.silu(self.norm1(h)))
        scale, shift = self.film(cond).chunk(2, 1)
        x = self.norm2(x) * (1 + scale) + shift
        x = self.conv2(self.drop(F.silu(x)))
        return self.skip(h) + x


class StreamAttention(nn.Module):
    """Multi-head attention over time, either within a stream or across to the partner's stream.

    `cross=True`: the query is one person, keys and values the other; h is (2B, C, T) stacked
    [A; B], so the partner of row i is row (i + B) mod 2B.
    """

    def __init__(self, c: int, heads: int, cross: bool) -> None:
        super().__init__()
        self.heads, self.cross = heads, cross
        self.norm_q, self.norm_kv = nn.GroupNorm(groups(c), c), nn.GroupNorm(groups(c), c)
        self.q, self.kv, self.out = nn.Linear(c, c), nn.Linear(c, 2 * c), nn.Linear(c, c)
        nn.init.zeros_(self.out.weight)  # starts as identity: the U-Net trains first, coupling grows in
        nn.init.zeros_(self.out.bias)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        n, c, t = h.shape
        # the partner's features for cross-attention: [A; B] -> [B; A], as h.roll(n // 2, 0) but exportable
        source = torch.cat([h[n // 2 :], h[: n // 2]]) if self.cross else h
        pos = sinusoidal(torch.arange(t, device=h.device), c).T[None].to(h)  # (1, C, T)
        q = self.q((self.norm_q(h) + pos).transpose(1, 2))  # (N, T, C)
        k, v = self.kv((self.norm_kv(source) + pos).transpose(1, 2)).chunk(2, -1)
        split = lambda x: x.reshape(n, t, self.heads, c // self.heads).transpose(1, 2)  # (N, heads, T, C/heads)
        y = F.scaled_dot_product_attention(split(q), split(k), split(v))
        return h + self.out(y.transpose(1, 2).reshape(n, t, c)).transpose(1, 2)


class DualStreamDenoiser(nn.Module):
    """Predicts clean motion x0 for both people from noisy motion, the diffusion step and conditions.

    Conditions per stream and frame: audio (shared by both: one room mix), the role embedding
    m·e_speak + (1-m)·e_listen, the layout t(0) and the diffusion step. They enter twice: a
    projection is concatenated with the noisy input, and every residual block applies FiLM.
    """

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        w = cfg.width
        chans = [w * min(2**i, 2) for i in range(cfg.levels + 1)]  # e.g. 128, 256, 256
        d = w  # condition width
        self.audio = AudioEncoder(cfg)
        self.audio_proj = nn.Linear(cfg.audio_width, d)
        self.null_audio = nn.Parameter(torch.zeros(d))  # classifier-free guidance: "no audio"
        self.e_speak, self.e_listen = nn.Parameter(torch.randn(d) * 0.1), nn.Parameter(torch.randn(d) * 0.1)
        self.layout = nn.Sequential(nn.Linear(LAYOUT_DIM, d), nn.SiLU(), nn.Linear(d, d))
        self.null_layout = nn.Parameter(torch.zeros(d))
        self.step = nn.Sequential(nn.Linear(d, d), nn.SiLU(), nn.Linear(d, d))
        self.cond_cat = nn.Conv1d(d, d // 2, 1)  # the concatenated copy of the condition

        self.inp = nn.Conv1d(2 * MOTION_DIM + 1 + d // 2, chans[0], 3, padding=1)
        self.down = nn.ModuleList()
        for i in range(cfg.levels):
            blocks = [ResBlock(chans[i], chans[i], d, cfg.dropout) for _ in range(cfg.blocks_per_level)]
            self.down.append(nn.ModuleDict({"blocks": nn.ModuleList(blocks),
                                            "pool": nn.Conv1d(chans[i], chans[i + 1], 4, stride=2, padding=1)}))
        c_mid = chans[-1]
        self.mid1, self.mid2 = ResBlock(c_mid, c_mid, d, cfg.dropout), ResBlock(c_mid, c_mid, d, cfg.dropout)
        self.mid_attn = StreamAttention(c_mid, cfg.heads, cross=False)
        self.up = nn.ModuleList()
        for i in reversed(range(cfg.levels)):
            blocks = [ResBlock(chans[i] * 2 if j == 0 else chans[i], chans[i], d, cfg.dropout)
                      for j in range(cfg.blocks_per_level)]
            self.up.append(nn.ModuleDict({
                "unpool": nn.Conv1d(chans[i + 1], chans[i], 3, padding=1),
                "blocks": nn.ModuleList(blocks),
                "cross": StreamAttention(chans[i], cfg.heads, cross=True) if cfg.cross_attention else nn.Identity(),
            }))
        self.out = nn.Sequential(nn.GroupNorm(groups(chans[0]), chans[0]), nn.SiLU(),
                                 nn.Conv1d(chans[0], MOTION_DIM, 3, padding=1))

    def padding(self, t: int) -> int:
        """Frames to add so that T halves `levels` times."""
        return (-t) % 2**self.cfg.levels

    def static_condition(self, audio: torch.Tensor, masks: torch.Tensor, layout: torch.Tensor,
                         drop_audio: torch.Tensor | None = None, drop_layout: torch.Tensor | None = None) -> torch.Tensor:
        """-> (B, 2, Tp, d): the condition without the diffusion step, T padded for the U-Net. It is the
        same at every sampling step, so the sampler computes it (and the audio encoder) once per window."""
        b, _, t = masks.shape
        pad = self.padding(t)
        masks, audio = F.pad(masks, (0, pad)), F.pad(audio, (0, 0, 0, pad * MELS_PER_FRAME))
        no = torch.zeros(b, dtype=torch.bool, device=masks.device)
        drop_audio = no if drop_audio is None else drop_audio
        drop_layout = no if drop_layout is None else drop_layout
        a = self.audio_proj(self.audio(audio))[:, : t + pad]  # (B, Tp, d): one mix, shared by both streams
        a = torch.where(drop_audio[:, None, None], self.null_audio.to(a), a)
        if not self.cfg.shared_layout:  # the ablation: own height only, no partner
            layout = torch.cat([torch.zeros_like(layout[..., :-1]), layout[..., -1:]], -1)
        lay = self.layout(layout)  # (B, 2, d)
        lay = torch.where(drop_layout[:, None, None], self.null_layout.to(lay), lay)
        m = masks[..., None]  # (B, 2, Tp, 1)
        role = m * self.e_speak + (1 - m) * self.e_listen  # (B, 2, Tp, d)
        return a[:, None] + role + lay[:, :, None]  # (B, 2, Tp, d)

    def forward(self, x_t: torch.Tensor, steps: torch.Tensor, audio: torch.Tensor, masks: torch.Tensor,
                layout: torch.Tensor, prefix: torch.Tensor, prefix_mask: torch.Tensor,
                drop_audio: torch.Tensor | None = None, drop_layout: torch.Tensor | None = None,
                static: torch.Tensor | None = None) -> torch.Tensor:
        """x_t (B, 2, T, 79) noisy normalised motion; steps (B,) diffusion steps; audio (B, 4T, 160)
        normalised features; masks (B, 2, T) speaking probability; layout (B, 2, 6); prefix (B, 2, T, 79)
        given motion (zero where not given); prefix_mask (B, T) 1 on given frames; drop_* (B,) bool
        (guidance: replace that condition with its learned null); static: `static_condition` of these
        inputs, when the caller keeps it across steps. -> x0 prediction (B, 2, T, 79)."""
        if static is None:
            static = self.static_condition(audio, masks, layout, drop_audio, drop_layout)
        return self.denoise(x_t, steps, static, prefix, prefix_mask)

    def denoise(self, x_t: torch.Tensor, steps: torch.Tensor, static: torch.Tensor, prefix: torch.Tensor,
                prefix_mask: torch.Tensor) -> torch.Tensor:
        """The per-step half of `forward`, given its `static_condition` (B, 2, Tp, d): what a sampler runs
        at every step, and what export/ writes as the denoiser graph. -> x0 prediction (B, 2, T, 79)."""
        b, _, t, _ = x_t.shape
        pad = self.padding(t)
        if pad:
            x_t, prefix, prefix_mask = F.pad(x_t, (0, 0, 0, pad)), F.pad(prefix, (0, 0, 0, pad)), F.pad(prefix_mask, (0, pad))
        tp = t + pad

        stream = lambda x: x.transpose(0, 1).reshape(2 * b, tp, -1).transpose(1, 2)  # (B, 2, Tp, c) -> (2B, c, Tp)
        step = self.step(sinusoidal(steps, self.cfg.width))  # (B, d)
        cond = stream(static + step[:, None, None])  # (2B, d, Tp), rows [A; B]
        pm = prefix_mask[:, None, :, None].expand(b, 2, tp, 1)
        h = self.inp(torch.cat([stream(x_t), stream(prefix), stream(pm), self.cond_cat(cond)], 1))

        conds, skips = [cond], []
        for level in self.down:
            for block in level["blocks"]:
                h = block(h, conds[-1])
            skips.append(h)
            h = level["pool"](h)
            conds.append(F.avg_pool1d(conds[-1], 2))
        h = self.mid2(self.mid_attn(self.mid1(h, conds[-1])), conds[-1])
        for level in self.up:
            conds.pop()
            h = level["unpool"](F.interpolate(h, scale_factor=2.0, mode="nearest"))
            h = torch.cat([h, skips.pop()], 1)
            for block in level["blocks"]:
                h = block(h, conds[-1])
            h = level["cross"](h)
        x0 = self.out(h)  # (2B, 79, Tp)
        return x0.transpose(1, 2).reshape(2, b, tp, -1).transpose(0, 1)[:, :, :t]  # (B, 2, T, 79)
