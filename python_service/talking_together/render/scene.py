"""One video frame: A's face, the top view and a speaking strip, B's face, names and indicators.

The moving drawings (faces, top view, strip) are drawn at SUPERSAMPLE times the video size in
their own panels and box-filtered down: Pillow's polygons have no anti-aliasing, and drawing
each panel alone clips it to its panel. Text and bars are drawn at video size (FreeType
anti-aliases text), and everything that does not move is drawn once into the background.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from talking_together.contract import BLENDSHAPE_INDEX, FPS
from talking_together.geometry import Anchor, compose_head_world, matrix_from_quat
from talking_together.render.face import STYLES, Colour, FacePainter, Pose, View, mix
from talking_together.render.performance import Performance
from talking_together.render.room import TopView

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 in video pixels
WIDTH, HEIGHT = 1280, 720
SUPERSAMPLE = 2
NAMES = ("A", "B")
COLOURS: tuple[Colour, Colour] = ((31, 119, 180), (255, 127, 14))  # preview.png's tab:blue and tab:orange
BACKGROUND, PANEL, TEXT, MUTED = (22, 24, 30), (40, 44, 54), (232, 234, 238), (140, 146, 158)
STRIP_S = 5.0  # seconds of history in the strip
FACE_PX_PER_M = 1250.0  # at video size: a head about 300 px tall


@dataclass(frozen=True)
class Layout:
    faces: tuple[Rect, Rect] = ((12, 52, 436, 620), (844, 52, 1268, 620))
    tags: tuple[Rect, Rect] = ((12, 632, 436, 708), (844, 632, 1268, 708))
    top: Rect = (448, 52, 832, 452)
    strip: Rect = (448, 464, 832, 620)
    strip_label_h: int = 26  # the strip's title; its plot is below
    legend: Rect = (448, 632, 832, 708)


def _size(rect: Rect, scale: int = SUPERSAMPLE) -> tuple[int, int]:
    return (rect[2] - rect[0]) * scale, (rect[3] - rect[1]) * scale


def _font(size: float) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


class FrameRenderer:
    """Renders row i of a Performance as a WIDTH x HEIGHT RGB image."""

    def __init__(self, performance: Performance, layout: Layout = Layout()) -> None:
        self.p, self.layout = performance, layout
        ss = SUPERSAMPLE
        pivot, head_q = compose_head_world(Anchor(), performance.translation, performance.neck, performance.head)
        self.pivot, self.head = pivot, matrix_from_quat(head_q)  # (T, 2, 3), (T, 2, 3, 3): in each seat's own frame
        self.neck = matrix_from_quat(performance.neck)
        self.eyes = matrix_from_quat(performance.left_eye), matrix_from_quat(performance.right_eye)
        self.painters = []
        for k, rect in enumerate(layout.faces):
            w, h = _size(rect)
            self.painters.append(FacePainter(View(origin=(w / 2, 0.5 * h), px_per_m=FACE_PX_PER_M * ss), STYLES[k], line_px=ss))
        self.fonts = {"title": _font(17), "name": _font(34), "small": _font(13), "label": _font(15)}
        self.top = TopView(performance, (0, 0, *_size(layout.top)), COLOURS, ss, PANEL)
        x0, y0, x1, y1 = layout.strip
        self.plot: Rect = (x0, y0 + layout.strip_label_h, x1, y1)  # panels are square-cornered: pasted plots fit
        # Plain panels start from Image.new (a fill, far cheaper than a copy); the top view's grid is copied.
        self.top_base = Image.new("RGB", _size(layout.top), PANEL)
        small = _font(13 * ss)
        self.top.draw_static(ImageDraw.Draw(self.top_base), small, MUTED)
        ImageDraw.Draw(self.top_base).text((12 * ss, 10 * ss), "top view: seats, bodies, heads, gaze rays", fill=MUTED, font=small)
        self.background = self._background()

    def pose(self, i: int, k: int) -> Pose:
        return Pose(self.pivot[i, k], self.head[i, k], self.neck[i, k], self.p.translation[i, k], self.eyes[0][i, k], self.eyes[1][i, k])

    def _background(self) -> Image.Image:
        lay, f = self.layout, self.fonts
        image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
        d = ImageDraw.Draw(image)
        for rect in (*lay.tags, lay.legend, lay.strip):
            d.rectangle(rect, fill=PANEL)
        d.text((lay.strip[0] + 12, lay.strip[1] + 8), f"speaking (thick) and jawOpen (thin), last {STRIP_S:.0f} s", fill=MUTED, font=f["small"])
        d.text((WIDTH / 2, 26), " · ".join(["Talking Together", *([self.p.title] if self.p.title else [])]), fill=TEXT, font=f["title"], anchor="mm")
        for k, (x0, y0, x1, y1) in enumerate(lay.tags):
            d.text((x0 + 22, (y0 + y1) / 2), NAMES[k], fill=COLOURS[k], font=f["name"], anchor="lm")
        x0, y0, x1, y1 = lay.legend
        for k in range(2):
            y = y0 + 22 + 26 * k
            d.ellipse((x0 + 16, y - 6, x0 + 28, y + 6), fill=COLOURS[k])
            d.text((x0 + 36, y), f"{NAMES[k]}: head, nose, gaze ray; body at its seat plus t", fill=MUTED, font=f["small"], anchor="lm")
        return image

    def render(self, i: int) -> Image.Image:
        ss, lay, p = SUPERSAMPLE, self.layout, self.p
        frame = self.background.copy()
        for k, painter in enumerate(self.painters):
            panel = Image.new("RGB", _size(lay.faces[k]), PANEL)
            d = ImageDraw.Draw(panel)
            painter.draw(d, self.pose(i, k), p.expression[i, k])
            speaking = float(p.speaking[i, k])
            if speaking >= 0.5:
                d.rectangle((0, 0, panel.width - 1, panel.height - 1), outline=COLOURS[k], width=round((2 + 3 * speaking) * ss))
            frame.paste(panel.reduce(ss), lay.faces[k][:2])
        top = self.top_base.copy()
        self.top.draw(ImageDraw.Draw(top), i)
        frame.paste(top.reduce(ss), lay.top[:2])
        strip = Image.new("RGB", _size(self.plot), PANEL)
        self._strip(ImageDraw.Draw(strip), i)
        frame.paste(strip.reduce(ss), self.plot[:2])
        d = ImageDraw.Draw(frame)
        for k in range(2):
            self._tag(d, k, float(p.speaking[i, k]))
        t = i / FPS
        d.text((lay.faces[1][2], 26), f"{int(t // 60):02d}:{t % 60:05.2f}", fill=TEXT, font=self.fonts["label"], anchor="rm")
        return frame

    def _tag(self, d: ImageDraw.ImageDraw, k: int, speaking: float) -> None:
        """The speaking indicator: a lamp that lights at 0.5 and a bar as long as the probability."""
        x0, y0, x1, y1 = self.layout.tags[k]
        cy = (y0 + y1) / 2
        d.ellipse((x0 + 70, cy - 9, x0 + 88, cy + 9), fill=COLOURS[k] if speaking >= 0.5 else mix(PANEL, COLOURS[k], 0.25))
        bx0, bx1 = x0 + 104, x1 - 136
        d.rounded_rectangle((bx0, cy - 8, bx1, cy + 8), radius=8, fill=mix(PANEL, (0, 0, 0), 0.35))
        if speaking > 0.02:
            d.rounded_rectangle((bx0, cy - 8, bx0 + max(16, (bx1 - bx0) * speaking), cy + 8), radius=8, fill=COLOURS[k])
        d.text((x1 - 18, cy), f"speaking {speaking:.2f}", fill=TEXT if speaking >= 0.5 else MUTED, font=self.fonts["label"], anchor="rm")

    def _strip(self, d: ImageDraw.ImageDraw, i: int) -> None:
        """Both speaking probabilities (thick) and jawOpen (thin) over the last STRIP_S seconds, now at the right."""
        ss = SUPERSAMPLE
        w, h = _size(self.plot)
        gx0, gx1, gy0, gy1 = 12 * ss, w - 12 * ss, 4 * ss, h - 10 * ss
        n = int(STRIP_S * FPS)
        start = max(0, i - n + 1)
        xs = gx1 - (i - np.arange(start, i + 1)) * (gx1 - gx0) / (n - 1)
        d.line((gx0, gy1, gx1, gy1), fill=mix(PANEL, TEXT, 0.2), width=ss)
        jaw = BLENDSHAPE_INDEX["jawOpen"]
        for k in range(2):
            if len(xs) > 1:
                jy = gy1 - (gy1 - gy0) * self.p.expression[start : i + 1, k, jaw]
                d.line(np.column_stack([xs, jy]).ravel().tolist(), fill=mix(PANEL, COLOURS[k], 0.45), width=ss)
                sy = gy1 - (gy1 - gy0) * self.p.speaking[start : i + 1, k]
                d.line(np.column_stack([xs, sy]).ravel().tolist(), fill=COLOURS[k], width=round(2 * ss), joint="curve")
        d.line((gx1, gy0, gx1, gy1), fill=TEXT, width=ss)
