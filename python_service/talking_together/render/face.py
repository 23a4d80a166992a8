"""A face built in code: 3-D landmarks in the head frame, moved by the ARKit weights, posed by
the neck and head rotations, projected and drawn as flat polygons.

Why in code: a fresh machine has no rig or asset to load, and landmarks driven by the same 52
weights a rig reads show what a client will see: the jaw, the lips and their corners, blinks,
brows, and pupils that follow the eye rotations. The head frame is the contract's (metres,
origin at the head pivot, +X the person's right, +Y up, -Z the way the face looks); the camera
sits in front of the seat and looks back at the face, so the person's left (-X) is on the
picture's right. "Left" in an ARKit name is the person's left.

Shapes are planar polygons or ellipsoid silhouettes (cranium, jaw, hair), drawn back to front;
the jaw ellipsoid turns about the jaw hinge with jawOpen, so the chin drops with the lower lip.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import ImageDraw

from talking_together.contract import BLENDSHAPE_INDEX
from talking_together.geometry import DEFAULT_HEAD, matrix_from_quat, quat_from_axis_angle

Colour = tuple[int, int, int]

# --- the face at rest, in the head frame (metres) ------------------------------------------------
LEFT_EYE, RIGHT_EYE = DEFAULT_HEAD.eye_offsets()  # the contract's eye centres: gaze starts there
EYEBALL_R = 0.0118
EYE_HALF_W = 0.0135  # corner to centre
EYE_UPPER_H, EYE_LOWER_H = 0.0064, 0.0044  # lid heights over/under the eye centre, open at rest
IRIS_R, PUPIL_R = 0.0056, 0.0024
CRANIUM = ((0.0, 0.068, -0.006), (0.077, 0.113, 0.104))  # centre, semi-axes
JAW = ((0.0, 0.01, -0.032), (0.061, 0.062, 0.073))
HAIR = ((0.0, 0.081, 0.012), (0.084, 0.118, 0.104))
LONG_HAIR = ((0.0, 0.0, 0.04), (0.097, 0.165, 0.08))
JAW_HINGE = np.array([0.0, 0.03, -0.005])
JAW_MAX_RAD = 0.33  # jawOpen = 1: the chin turns ~19 degrees about the hinge
MOUTH_Y, MOUTH_HALF_W = -0.003, 0.025
LIP_DROP_M = 0.03  # lower lip's drop at the centre for jawOpen 1 (less mouthClose)
UPPER_LIP_T, LOWER_LIP_T = 0.0068, 0.0088
OUTLINE_M = 0.0017  # the head outline's width, as a margin round the skin
S = np.linspace(-1.0, 1.0, 17)  # across the mouth: -1 the person's left corner (-X), +1 the right
U = np.linspace(-1.0, 1.0, 11)  # across an eye: -1 the inner corner, +1 the outer


def mix(a: Colour, b: Colour, t: float) -> Colour:
    """The colour a fraction `t` of the way from `a` to `b`."""
    return tuple(int((1 - t) * x + t * y) for x, y in zip(a, b))  # type: ignore[return-value]


def _shade(colour: Colour, k: float) -> Colour:
    """`colour` darker (k < 1) or lighter (k > 1)."""
    return tuple(min(255, int(k * c)) for c in colour)  # type: ignore[return-value]


def face_z(x: np.ndarray) -> np.ndarray:
    """Depth of the face's front surface (inside the cranium and jaw ellipsoids, so a turned
    head keeps its features within its outline): curved across, the corners and eyes recede."""
    return -0.102 + np.square(x) / 0.09


def mouth_curves(w: dict[str, float]) -> dict[str, np.ndarray]:
    """The lip contour in the head frame: (17, 3) curves 'outer_upper', 'inner_upper',
    'inner_lower', 'outer_lower', left corner (-X) to right corner (+X).

    The corners move with smile/frown/stretch/dimple (per side), the lower lip drops with
    jawOpen less mouthClose and with mouthLowerDown, the upper lip lifts with mouthUpperUp;
    pucker and funnel narrow the mouth and push it forward (funnel also parts the lips),
    roll and press thin the lips, shrug lifts them, mouthLeft/Right shift them.
    """
    def side(name: str) -> np.ndarray:  # a Left/Right pair blended across the mouth
        return w[f"{name}Left"] * (1 - S) / 2 + w[f"{name}Right"] * (1 + S) / 2

    smile, frown, stretch = side("mouthSmile"), side("mouthFrown"), side("mouthStretch")
    dimple, press = side("mouthDimple"), side("mouthPress")
    lower_down, upper_up = side("mouthLowerDown"), side("mouthUpperUp")
    pucker, funnel = w["mouthPucker"], w["mouthFunnel"]
    apart = max(0.0, w["jawOpen"] - w["mouthClose"])

    def half_width(name: str) -> float:
        return MOUTH_HALF_W * (1 + 0.28 * w[f"mouthStretch{name}"] + 0.16 * w[f"mouthSmile{name}"] - 0.05 * w[f"mouthFrown{name}"]
                               + 0.05 * w[f"mouthDimple{name}"] - 0.36 * pucker - 0.3 * funnel - 0.05 * apart)

    shift = 0.007 * (w["mouthRight"] - w["mouthLeft"]) + 0.004 * (w["jawRight"] - w["jawLeft"])
    x = np.where(S < 0, S * half_width("Left"), S * half_width("Right")) + shift
    corner = 0.0105 * smile - 0.008 * frown - 0.0015 * stretch + 0.0015 * dimple - 0.009 * apart
    y_mid = MOUTH_Y + corner * np.abs(S) ** 2
    env = (1 - np.abs(S) ** 2.4) ** 0.6  # how far a point parts from the other lip: 0 at the corners
    rise = env * (0.0048 * upper_up + 0.0028 * funnel + 0.0015 * w["mouthShrugUpper"])
    drop = env * (LIP_DROP_M * apart + 0.006 * lower_down + 0.0038 * funnel - 0.002 * w["mouthShrugLower"])
    inner_upper, inner_lower = y_mid + rise, y_mid - np.maximum(drop, 0.0)
    thick = 1 + 0.4 * pucker + 0.3 * funnel - 0.4 * press
    bow = (1 - S**2) ** 0.6 * (1 - 0.22 * np.exp(-np.square(S / 0.13)))
    outer_upper = inner_upper + UPPER_LIP_T * (thick - 0.8 * w["mouthRollUpper"]) * bow
    outer_lower = inner_lower - LOWER_LIP_T * (thick - 0.8 * w["mouthRollLower"]) * (1 - S**2) ** 0.55
    forward = (1 - S**2) ** 0.5 * (0.007 + 0.013 * pucker + 0.009 * funnel)

    def lift(y: np.ndarray, back: np.ndarray | float) -> np.ndarray:
        return np.column_stack([x, y, face_z(x) - forward + back])

    back = 0.3 * drop  # the lower lip goes back as the jaw opens
    return {
        "outer_upper": lift(outer_upper, 0.0), "inner_upper": lift(inner_upper, 0.0),
        "inner_lower": lift(inner_lower, back), "outer_lower": lift(outer_lower, back),
    }


@dataclass(frozen=True)
class FaceStyle:
    """What tells the two people apart at a glance."""

    skin: Colour
    shadow: Colour  # creases, the neck, the nose's side
    hair: Colour
    shirt: Colour
    iris: Colour
    lips: Colour
    long_hair: bool = False

    @property
    def outline(self) -> Colour:
        return _shade(self.skin, 0.55)

    @property
    def blush(self) -> Colour:
        return tuple(int(0.82 * c + 0.18 * r) for c, r in zip(self.skin, (235, 90, 90)))  # type: ignore[return-value]


STYLES = (
    FaceStyle(skin=(238, 198, 166), shadow=(212, 164, 132), hair=(78, 52, 36), shirt=(40, 104, 168), iris=(72, 112, 150), lips=(196, 110, 108)),
    FaceStyle(skin=(196, 142, 106), shadow=(168, 114, 82), hair=(34, 26, 24), shirt=(214, 112, 36), iris=(96, 64, 38), lips=(166, 86, 86), long_hair=True),
)


@dataclass(frozen=True)
class View:
    """A camera in front of a seat, looking back at the face: anchor-frame points -> pixels.

    `origin` is the pixel of the head pivot at rest (0, neck_length, 0); mild perspective from
    `distance_m`, so a turned head shows its nose and far eye foreshortened.
    """

    origin: tuple[float, float]
    px_per_m: float
    distance_m: float = 1.6

    def project(self, points: np.ndarray) -> np.ndarray:
        f = self.px_per_m * self.distance_m / (self.distance_m + points[..., 2])
        return np.stack([self.origin[0] - f * points[..., 0], self.origin[1] - f * (points[..., 1] - DEFAULT_HEAD.neck_length)], axis=-1)

    def scale_at(self, z: float) -> float:
        return self.px_per_m * self.distance_m / (self.distance_m + z)


@dataclass(frozen=True)
class Pose:
    """One person's posed head in the anchor frame: head pivot, head rotation, neck rotation, eyes."""

    pivot: np.ndarray  # (3,)
    head: np.ndarray  # (3, 3) head frame -> anchor frame
    neck: np.ndarray  # (3, 3)
    base: np.ndarray  # (3,) the neck base: Δt
    left_eye: np.ndarray  # (3, 3) eye -> head frame
    right_eye: np.ndarray  # (3, 3)

    def to_anchor(self, points: np.ndarray) -> np.ndarray:
        return self.pivot + points @ self.head.T


def _flat(points: np.ndarray) -> list[float]:
    return points.ravel().tolist()


def _ellipse_points(n: int) -> np.ndarray:
    t = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    return np.stack([np.cos(t), np.sin(t)], axis=-1)


CIRCLE = _ellipse_points(48)


class FacePainter:
    """Draws one person's face panel: shoulders, neck, head, hair, eyes, brows, nose and mouth."""

    def __init__(self, view: View, style: FaceStyle, line_px: float = 1.0) -> None:
        self.view, self.style, self.line = view, style, line_px

    # --------------------------------------------------------------------------- primitives
    def _silhouette(self, pose: Pose, centre: np.ndarray, rotation: np.ndarray, semi: np.ndarray) -> list[float]:
        """The outline of an ellipsoid (head frame centre, extra rotation, semi-axes) as seen by the camera."""
        r = pose.head @ rotation
        m = r @ np.diag(1.0 / np.square(semi)) @ r.T  # x^T m x <= 1 in the anchor frame
        m2 = m[:2, :2] - np.outer(m[:2, 2], m[:2, 2]) / m[2, 2]  # its shadow along the view axis
        w, v = np.linalg.eigh(m2)
        c = pose.to_anchor(centre)
        xy = c[:2] + (CIRCLE / np.sqrt(w)) @ v.T
        return _flat(self.view.project(np.column_stack([xy, np.full(len(xy), c[2])])))

    def _polygon(self, draw: ImageDraw.ImageDraw, pose: Pose, points: np.ndarray, fill: Colour, outline: Colour | None = None, width: float = 0.0) -> None:
        draw.polygon(_flat(self.view.project(pose.to_anchor(points))), fill=fill, outline=outline, width=max(1, round(width * self.line)) if outline else 0)

    def _line(self, draw: ImageDraw.ImageDraw, pose: Pose, points: np.ndarray, fill: Colour, width: float) -> None:
        draw.line(_flat(self.view.project(pose.to_anchor(points))), fill=fill, width=max(1, round(width * self.line)), joint="curve")

    def _disc(self, draw: ImageDraw.ImageDraw, pose: Pose, centre: np.ndarray, radius: float, fill: Colour) -> None:
        (x, y), = self.view.project(pose.to_anchor(centre[None]))
        r = radius * self.view.scale_at(float(pose.to_anchor(centre)[2]))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)

    def _faces_camera(self, pose: Pose, normal: tuple[float, float, float], limit: float = -0.2) -> bool:
        return float((pose.head @ np.asarray(normal))[2]) < limit  # the camera looks along +Z

    # --------------------------------------------------------------------------- the face
    def draw(self, draw: ImageDraw.ImageDraw, pose: Pose, weights: np.ndarray) -> None:
        """Paint the whole person for one frame; `weights` is the (52,) ARKit vector."""
        w = {name: float(weights[i]) for name, i in BLENDSHAPE_INDEX.items()}
        st = self.style
        self._body(draw, pose)
        draw.polygon(self._silhouette(pose, np.array(HAIR[0]), np.eye(3), np.array(HAIR[1])), fill=st.hair)
        front_ears = self._ears(draw, pose, behind=True)
        jaw_rot = matrix_from_quat(quat_from_axis_angle(np.array([-JAW_MAX_RAD * w["jawOpen"], 0.0, 0.0])))
        jaw_centre = JAW_HINGE + jaw_rot @ (np.array(JAW[0]) - JAW_HINGE)
        jaw_semi = np.array(JAW[1]) + np.array([0.008 * w["cheekPuff"], 0.0, 0.0])
        for fill, grow in ((st.outline, OUTLINE_M), (st.skin, 0.0)):
            draw.polygon(self._silhouette(pose, np.array(CRANIUM[0]), np.eye(3), np.array(CRANIUM[1]) + grow), fill=fill)
            draw.polygon(self._silhouette(pose, jaw_centre, jaw_rot, jaw_semi + grow), fill=fill)
        if front_ears:
            self._ears(draw, pose, behind=False)
        self._hair_cap(draw, pose)
        self._cheeks(draw, pose, w)
        for side in (-1, 1):
            self._eye(draw, pose, side, w)
            self._brow(draw, pose, side, w)
        self._nose(draw, pose, w)
        self._mouth(draw, pose, w)

    def _body(self, draw: ImageDraw.ImageDraw, pose: Pose) -> None:
        """Shoulders fixed in the seat (moved by Δt), long hair over them, and a neck from the base to the head pivot."""
        st = self.style
        shoulders = np.array([
            [0.055, 0.015], [0.15, -0.02], [0.205, -0.065], [0.225, -0.2], [0.23, -0.5],
            [-0.23, -0.5], [-0.225, -0.2], [-0.205, -0.065], [-0.15, -0.02], [-0.055, 0.015],
        ])
        body = np.column_stack([shoulders, np.full(len(shoulders), 0.03)]) + pose.base
        draw.polygon(_flat(self.view.project(body)), fill=st.shirt, outline=_shade(st.shirt, 0.6), width=max(1, round(2 * self.line)))
        collar = pose.base + np.array([[-0.058, 0.012, 0.0], [0.0, -0.05, -0.02], [0.058, 0.012, 0.0]])
        draw.line(_flat(self.view.project(collar)), fill=_shade(st.shirt, 0.6), width=max(1, round(3 * self.line)), joint="curve")
        if st.long_hair:
            draw.polygon(self._silhouette(pose, np.array(LONG_HAIR[0]), np.eye(3), np.array(LONG_HAIR[1])), fill=st.hair)
        top = pose.pivot + (np.array([[0.043, -0.02, 0.01], [-0.043, -0.02, 0.01]]) @ pose.neck.T)
        base = pose.base + np.array([[-0.05, -0.01, 0.02], [0.05, -0.01, 0.02]])
        draw.polygon(_flat(self.view.project(np.vstack([top, base]))), fill=st.shadow)

    def _ears(self, draw: ImageDraw.ImageDraw, pose: Pose, behind: bool) -> bool:
        """Ears turned toward the camera go over the skin, the others under it; returns whether any went over."""
        over = False
        for side in (-1, 1):
            facing = self._faces_camera(pose, (side * 0.94, 0.0, -0.34), limit=-0.45)
            over |= facing
            if facing == behind:
                continue
            centre = np.array([side * 0.078, 0.052, 0.004])
            u, v = np.array([side * 0.006, 0.0, 0.014]), np.array([0.0, 0.026, 0.0])
            ring = centre + CIRCLE[:, :1] * u + CIRCLE[:, 1:] * v
            self._polygon(draw, pose, ring, self.style.skin, self.style.outline, 2)
            if not behind:  # the inner fold, so a turned ear reads as one
                self._line(draw, pose, (centre + 0.55 * (CIRCLE[4:22, :1] * u + CIRCLE[4:22, 1:] * v))[::-1], self.style.shadow, 1.5)
        return over

    def _hair_cap(self, draw: ImageDraw.ImageDraw, pose: Pose) -> None:
        """Hair on the cranium above a hairline (a side part on the right), as strips from the
        hairline to the crown. Each strip is drawn over the run of its cells that face the camera
        (or are within a hair of edge-on), so a turned or tilted head shows the hair it would and
        never paints the back of the head over the face; the hair ellipsoid behind the skin fills
        the edge."""
        centre, semi = np.array(CRANIUM[0]), np.array(CRANIUM[1]) + OUTLINE_M + 0.002  # over the outline too
        (cx, cy, cz), (a, b, c) = centre, semi
        phi = np.linspace(-2.4, 2.4, 17)  # round the head from the front (0); -: the person's left
        hairline = 0.098 + 0.036 * np.cos(np.clip(phi, -np.pi / 2, np.pi / 2)) ** 2 - 0.006 * np.exp(-np.square((phi - 0.45) / 0.18))
        start = np.arcsin(np.clip((hairline - cy) / b, -1.0, 1.0))
        elevation = start + (np.pi / 2 - start) * np.linspace(0.0, 1.0, 7)[:, None]  # hairline to crown, even along the arc
        y, rho = cy + b * np.sin(elevation), np.cos(elevation)
        grid = np.stack([cx + a * rho * np.sin(phi), y, cz - c * rho * np.cos(phi)], axis=-1)  # (7, 17, 3)
        cells = (grid[:-1, :-1] + grid[1:, :-1] + grid[:-1, 1:] + grid[1:, 1:]) / 4
        normals = (cells - centre) / np.square(semi)  # the ellipsoid's gradient: outward
        facing = (normals @ pose.head.T)[..., 2] < 0.02 * np.linalg.norm(normals, axis=-1)  # (6, 16): the camera looks along +Z
        for j in range(len(phi) - 1):
            rows = np.flatnonzero(facing[:, j])
            if len(rows):
                run = grid[rows[0] : rows[-1] + 2, j : j + 2]
                self._polygon(draw, pose, np.vstack([run[:, 0], run[::-1, 1]]), self.style.hair, self.style.hair, 1.5)

    def _cheeks(self, draw: ImageDraw.ImageDraw, pose: Pose, w: dict[str, float]) -> None:
        for side, name in ((-1, "Left"), (1, "Right")):
            if not self._faces_camera(pose, (side * 0.5, 0.0, -0.85), limit=-0.6):
                continue
            lift = 0.004 * (w[f"mouthSmile{name}"] + w[f"cheekSquint{name}"])
            centre = np.array([side * 0.044, 0.036 + lift, -0.086])
            ring = centre + CIRCLE[:, :1] * np.array([0.012, 0.0, 0.0]) + CIRCLE[:, 1:] * np.array([0.0, 0.008, 0.0])
            self._polygon(draw, pose, ring, self.style.blush)

    def _eye(self, draw: ImageDraw.ImageDraw, pose: Pose, side: int, w: dict[str, float]) -> None:
        """Lids from blink/wide/squint; the iris where the eye's rotation points its -Z."""
        name = "Left" if side < 0 else "Right"
        if not self._faces_camera(pose, (side * 0.35, 0.0, -0.94)):
            return
        st = self.style
        centre = LEFT_EYE if side < 0 else RIGHT_EYE
        blink, wide, squint = w[f"eyeBlink{name}"], w[f"eyeWide{name}"], w[f"eyeSquint{name}"]
        x = centre[0] + side * U * EYE_HALF_W  # U = -1 toward the nose
        tilt = centre[1] + 0.0012 * U
        upper = tilt + EYE_UPPER_H * (1 - U**2) ** 0.65 * (1 + 0.08 * -U) * (1 + 0.5 * wide) * (1 - 0.2 * squint)
        lower = tilt - EYE_LOWER_H * (1 - U**2) ** 0.8 * (1 - 0.5 * squint - 0.3 * w[f"cheekSquint{name}"])
        upper = lower + (upper - lower) * (1 - blink)
        z = face_z(x)  # the lids lie on the face; the eyeball sits behind them
        ball = np.array([centre[0], centre[1], float(face_z(centre[0])) + 0.85 * EYEBALL_R])
        lids = np.column_stack([np.concatenate([x, x[::-1]]), np.concatenate([upper, lower[::-1]]), np.concatenate([z, z[::-1]])])
        self._polygon(draw, pose, lids, (246, 244, 240))
        rotation = pose.left_eye if side < 0 else pose.right_eye
        iris = ball + rotation @ np.array([0.0, 0.0, -EYEBALL_R])
        self._disc(draw, pose, iris, IRIS_R, st.iris)
        self._disc(draw, pose, iris, PUPIL_R, (18, 16, 20))
        self._disc(draw, pose, iris + np.array([-side * 0.0016, 0.0018, -0.0005]), 0.0011, (255, 255, 255))
        ends = np.array([x[0] - side * 0.003, x[-1] + side * 0.004])  # lid skin reaches past the corners
        xs = np.concatenate([[ends[0]], x, [ends[1]]])
        up = np.concatenate([[tilt[0]], upper, [tilt[-1]]])
        low = np.concatenate([[tilt[0]], lower, [tilt[-1]]])
        zs = face_z(xs)
        cover_up = np.column_stack([np.concatenate([xs, xs[::-1]]), np.concatenate([up, up[::-1] + 0.009]), np.concatenate([zs, zs[::-1]])])
        cover_low = np.column_stack([np.concatenate([xs, xs[::-1]]), np.concatenate([low, low[::-1] - 0.006]), np.concatenate([zs, zs[::-1]])])
        self._polygon(draw, pose, cover_up, st.skin)
        self._polygon(draw, pose, cover_low, st.skin)
        crease = np.column_stack([x, tilt + (upper - tilt) * 0.6 + 0.0036 + 0.0015 * (1 - U**2), z])
        self._line(draw, pose, crease[1:-1], st.shadow, 1.5)
        self._line(draw, pose, np.column_stack([x, lower, z]), st.shadow, 1.2)
        self._line(draw, pose, np.column_stack([x, upper, z]), (40, 28, 26), 2.6)

    def _brow(self, draw: ImageDraw.ImageDraw, pose: Pose, side: int, w: dict[str, float]) -> None:
        name = "Left" if side < 0 else "Right"
        if not self._faces_camera(pose, (side * 0.35, 0.1, -0.93)):
            return
        t = np.linspace(0.0, 1.0, 7)  # inner to outer
        down, inner_up, outer_up = w[f"browDown{name}"], w["browInnerUp"], w[f"browOuterUp{name}"]
        x = side * (0.012 + 0.043 * t - 0.002 * down * (1 - t))
        y = 0.085 + 0.0055 * np.sin(np.pi * (0.15 + 0.8 * t)) - 0.004 * t**2
        y = y - 0.0055 * down * (1 - 0.5 * t) + 0.0065 * inner_up * (1 - t) ** 1.5 + 0.006 * outer_up * t**1.5
        half = 0.0026 * (1 - 0.55 * t) + 0.0008
        z = face_z(x) - 0.006
        brow = np.column_stack([np.concatenate([x, x[::-1]]), np.concatenate([y + half, (y - half)[::-1]]), np.concatenate([z, z[::-1]])])
        self._polygon(draw, pose, brow, _shade(self.style.hair, 0.85))

    def _nose(self, draw: ImageDraw.ImageDraw, pose: Pose, w: dict[str, float]) -> None:
        st = self.style
        sneer = 0.003 * (w["noseSneerLeft"] + w["noseSneerRight"]) / 2
        ridge = np.array([[-0.006, 0.066, -0.099], [-0.0075, 0.048, -0.108], [-0.009, 0.032, -0.116]])
        self._line(draw, pose, ridge, st.shadow, 1.6)
        bottom = np.array([
            [-0.0145, 0.025 + sneer, -0.102], [-0.011, 0.019 + sneer, -0.108], [-0.004, 0.0185, -0.115], [0.0, 0.021, -0.118],
            [0.004, 0.0185, -0.115], [0.011, 0.019 + sneer, -0.108], [0.0145, 0.025 + sneer, -0.102],
        ])
        self._line(draw, pose, bottom, st.shadow, 1.8)
        for side in (-1, 1):
            nostril = np.array([side * 0.0065, 0.0205 + sneer, -0.112])
            ring = nostril + CIRCLE[:, :1] * np.array([0.0024, 0.0, 0.0]) + CIRCLE[:, 1:] * np.array([0.0, 0.0012, 0.0])
            self._polygon(draw, pose, ring, _shade(st.skin, 0.55))

    def _mouth(self, draw: ImageDraw.ImageDraw, pose: Pose, w: dict[str, float]) -> None:
        st = self.style
        c = mouth_curves(w)
        iu, il = c["inner_upper"], c["inner_lower"]
        for s in (-1, 1):  # smile lines from the nose's wings to past the corners
            name = "Left" if s < 0 else "Right"
            strength = w[f"mouthSmile{name}"] - 0.1
            if strength > 0:
                end = c["outer_upper"][0 if s < 0 else -1] + np.array([s * 0.006, 0.0, 0.004])
                start, ctrl = np.array([s * 0.018, 0.026, -0.1]), np.array([s * 0.034, 0.012, -0.093])
                t = np.linspace(0, 1, 8)[:, None]
                curve = (1 - t) ** 2 * start + 2 * (1 - t) * t * ctrl + t**2 * end
                self._line(draw, pose, curve, st.shadow, 1.0 + 2.5 * strength)
        opening = float(np.max(iu[:, 1] - il[:, 1]))
        if opening > 0.0008:
            self._polygon(draw, pose, np.vstack([iu, il[::-1]]), (70, 22, 28))
            mid = np.abs(S) <= 0.65
            tongue_top = np.minimum(il[:, 1] + 0.003 + 0.008 * w["tongueOut"], iu[:, 1])
            self._polygon(draw, pose, np.vstack([il[mid], np.column_stack([il[mid, 0], tongue_top[mid], il[mid, 2]])[::-1]]), (178, 74, 84))
            teeth = np.abs(S) <= 0.72
            bottom = np.maximum(iu[:, 1] - 0.0058, il[:, 1])
            upper_teeth = np.vstack([iu[teeth], np.column_stack([iu[teeth, 0], bottom[teeth], iu[teeth, 2]])[::-1]])
            self._polygon(draw, pose, upper_teeth + np.array([0.0, 0.0, 0.003]), (238, 234, 226))
        self._polygon(draw, pose, np.vstack([c["outer_upper"], iu[::-1]]), st.lips)
        self._polygon(draw, pose, np.vstack([il, c["outer_lower"][::-1]]), _shade(st.lips, 1.08))
        self._line(draw, pose, iu, _shade(st.lips, 0.7), 1.6)
