"""The top view: the room from above with both seats, bodies, heads and gaze rays.

Room frame R (docs/ARCHITECTURE.md): x to the right, forward -Z drawn up the picture, metres.
A seat is drawn where its anchor is; the body sits at the neck base (anchor + Δt), so a lean
moves it off the seat mark; the head is at `head_world` and its ray is the paper's gaze vector
(the mean of both eyes' -Z axes) from the point between the eyes.
"""

from __future__ import annotations

import numpy as np
from PIL import ImageDraw, ImageFont

from talking_together.contract import FPS
from talking_together.geometry import DEFAULT_HEAD, Anchor, eye_midpoint_world, gaze_direction, quat_rotate
from talking_together.render.face import Colour, mix
from talking_together.render.performance import Performance

HEAD_R_M = 0.09
TRAIL_S = 2.0
GRID_M = 0.5
MARGIN_M = 0.45
RAY_SHIFT_PX = 2.5


class TopView:
    """Fixed framing for the whole video (every seat and head position fits), drawn into `rect` (pixels)."""

    def __init__(self, performance: Performance, rect: tuple[float, float, float, float], colours: tuple[Colour, Colour], line_px: float, background: Colour) -> None:
        self.p, self.rect, self.colours, self.line, self.background = performance, rect, colours, line_px, background
        self.eyes = eye_midpoint_world(performance.head_world_position, performance.head_world_rotation, DEFAULT_HEAD)  # (T, 2, 3)
        self.gaze = gaze_direction(performance.head_world_rotation, performance.left_eye, performance.right_eye)  # (T, 2, 3)
        self.nose = quat_rotate(performance.head_world_rotation, np.array([0.0, 0.0, -1.0]))  # (T, 2, 3)
        anchors = performance.anchors
        self.bases = (
            np.stack([a.position + quat_rotate(a.rotation, performance.translation[:, i]) for i, a in enumerate(anchors)], axis=1)
            if anchors else None
        )  # (T, 2, 3) neck bases in R
        xz = performance.head_world_position[..., [0, 2]].reshape(-1, 2)
        if anchors:
            xz = np.vstack([xz, [[a.position[0], a.position[2]] for a in anchors]])
        lo, hi = xz.min(0) - MARGIN_M, xz.max(0) + MARGIN_M
        x0, y0, x1, y1 = rect
        self.k = min((x1 - x0) / (hi[0] - lo[0]), (y1 - y0) / (hi[1] - lo[1]))
        self.centre_m = (lo + hi) / 2
        self.centre_px = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
        spread = np.linalg.norm(np.diff(performance.head_world_position.mean(0)[:, [0, 2]], axis=0))
        self.ray_m = float(max(0.6, 1.1 * spread))

    def px(self, xz: np.ndarray) -> np.ndarray:
        """(..., 2) room (x, z) -> pixels; -Z is up the picture."""
        return self.centre_px + self.k * (xz - self.centre_m)

    def _ring(self, centre: np.ndarray, right: np.ndarray, forward: np.ndarray, a: float, b: float, n: int = 32) -> list[float]:
        t = np.linspace(0, 2 * np.pi, n, endpoint=False)[:, None]
        return self.px(centre + np.cos(t) * a * right + np.sin(t) * b * forward).ravel().tolist()

    def draw_static(self, draw: ImageDraw.ImageDraw, font: ImageFont.FreeTypeFont, text: Colour) -> None:
        """Grid, seats and a scale bar: drawn once into the background."""
        x0, y0, x1, y1 = self.rect
        grid = mix(self.background, (255, 255, 255), 0.07)
        lo = self.centre_m - np.array([x1 - x0, y1 - y0]) / (2 * self.k)
        hi = self.centre_m + np.array([x1 - x0, y1 - y0]) / (2 * self.k)
        for gx in np.arange(np.ceil(lo[0] / GRID_M), np.floor(hi[0] / GRID_M) + 1) * GRID_M:
            px = self.px(np.array([gx, 0.0]))[0]
            draw.line((px, y0, px, y1), fill=grid, width=max(1, round(self.line)))
        for gz in np.arange(np.ceil(lo[1] / GRID_M), np.floor(hi[1] / GRID_M) + 1) * GRID_M:
            py = self.px(np.array([0.0, gz]))[1]
            draw.line((x0, py, x1, py), fill=grid, width=max(1, round(self.line)))
        for anchor, colour in zip(self.p.anchors, self.colours):
            self._seat(draw, anchor, mix(self.background, colour, 0.45))
        bar = GRID_M * self.k
        bx, by = x0 + 12 * self.line, y1 - 14 * self.line
        draw.line((bx, by, bx + bar, by), fill=text, width=max(1, round(2 * self.line)))
        draw.text((bx + bar + 6 * self.line, by), f"{GRID_M * 100:.0f} cm", fill=text, font=font, anchor="lm")

    def _seat(self, draw: ImageDraw.ImageDraw, anchor: Anchor, colour: Colour) -> None:
        c, f = anchor.position[[0, 2]], anchor.forward[[0, 2]]
        r = np.array([-f[1], f[0]])
        draw.polygon(self._ring(c - 0.05 * f, r, f, 0.24, 0.2, 24), outline=colour, width=max(1, round(1.5 * self.line)))
        tip = self.px(c + 0.3 * f)
        base = self.px(c + 0.22 * f)
        draw.line((*base, *tip), fill=colour, width=max(1, round(1.5 * self.line)))

    def draw(self, draw: ImageDraw.ImageDraw, i: int) -> None:
        """Trails, bodies, heads with their noses, and gaze rays at row i."""
        p = self.p
        for k, colour in enumerate(self.colours):
            light = mix(colour, (255, 255, 255), 0.35)
            start = max(0, i - int(TRAIL_S * FPS))
            trail = self.px(p.head_world_position[start : i + 1, k][:, [0, 2]])
            if len(trail) > 1:
                draw.line(trail.ravel().tolist(), fill=mix(self.background, colour, 0.6), width=max(1, round(1.5 * self.line)))
            if self.bases is not None:
                f = p.anchors[k].forward[[0, 2]]
                draw.polygon(self._ring(self.bases[i, k][[0, 2]], np.array([-f[1], f[0]]), f, 0.2, 0.11), fill=mix(self.background, colour, 0.5))
            eye = self.eyes[i, k][[0, 2]]
            g = self.gaze[i, k][[0, 2]]
            g = g / max(float(np.linalg.norm(g)), 1e-6)
            # Drawn RAY_SHIFT_PX to the ray's own left, so two rays that meet head-on both show.
            shift = RAY_SHIFT_PX * self.line * np.array([g[1], -g[0]])
            begin, end = self.px(eye) + shift, self.px(eye + self.ray_m * g) + shift
            draw.line((*begin, *end), fill=light, width=max(1, round(2 * self.line)))
            r = 3 * self.line
            draw.ellipse((end[0] - r, end[1] - r, end[0] + r, end[1] + r), fill=light)
            head = p.head_world_position[i, k][[0, 2]]
            n = self.nose[i, k][[0, 2]]
            n = n / max(float(np.linalg.norm(n)), 1e-6)
            side = np.array([-n[1], n[0]])
            nose = self.px(np.array([head + 0.07 * side + 0.03 * n, head + (HEAD_R_M + 0.045) * n, head - 0.07 * side + 0.03 * n]))
            draw.polygon(nose.ravel().tolist(), fill=colour)
            c, rr = self.px(head), HEAD_R_M * self.k
            draw.ellipse((c[0] - rr, c[1] - rr, c[0] + rr, c[1] + rr), fill=colour, outline=light, width=max(1, round(1.5 * self.line)))
