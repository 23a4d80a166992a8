"""Python and the Unity package's C# Core agree on the Unity conversion, on real service output.

Frames come from a real gRPC server on loopback animating the demo dialogue. Python writes each
position, quaternion and seat yaw in room frame R beside its own Unity conversion
(talking_together.geometry.unity) to a plain CSV; a small C# program built against Core reads
the file, converts the room values with UnitySpace and compares to 1e-6.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from csharp import mono_build
from talking_together.geometry.rotations import quat_from_yaw
from talking_together.geometry.unity import to_unity_position, to_unity_quaternion
from talking_together.service.client import animate_file

TOLERANCE = 1e-6
PROGRAM = Path(__file__).parent / "csharp" / "CrossLang.cs"


def _row(kind: str, label: str, room: np.ndarray, unity: np.ndarray) -> str:
    return ",".join([kind, label, *(repr(float(v)) for v in (*room, *unity))])


def _position(label: str, v) -> str:
    room = np.array([v.x, v.y, v.z])
    return _row("p", label, room, np.asarray(to_unity_position(room)))


def _quaternion(label: str, q) -> str:
    room = np.array([q.x, q.y, q.z, q.w])
    return _row("q", label, room, np.asarray(to_unity_quaternion(room)))


def _anchor_rotation(label: str, yaw: float) -> str:
    return _row("y", label, np.array([yaw]), np.asarray(to_unity_quaternion(quat_from_yaw(yaw))))


def write_fixture(responses, path: Path) -> int:
    """One row per position or quaternion of every frame and anchor; returns the value count."""
    rows = ["# kind,label,room values...,python unity values..."]
    header = next(r.header for r in responses if r.HasField("header"))
    for i, anchor in enumerate(header.layout.anchors):
        rows.append(_position(f"anchor{i}", anchor.position))
        rows.append(_anchor_rotation(f"anchor{i}", anchor.yaw_rad))
    for frame in (r.frame for r in responses if r.HasField("frame")):
        for who, p in zip("AB", frame.participants):
            label = f"{frame.sequence}{who}"
            rows.append(_position(f"{label}.translation", p.translation))
            rows.append(_position(f"{label}.head_world", p.head_world.position))
            for joint in ("neck", "head", "left_eye", "right_eye"):
                rows.append(_quaternion(f"{label}.{joint}", getattr(p, joint)))
            rows.append(_quaternion(f"{label}.head_world", p.head_world.rotation))
    path.write_text("\n".join(rows) + "\n")
    return sum(3 if r.startswith("p,") else 4 for r in rows[1:])


def test_csharp_core_converts_service_frames_like_python(loopback_server, dialogue_wav, tmp_path):
    mono_build.require("mcs", "mono")
    core = mono_build.build_core(tmp_path)
    exe = mono_build.mcs(tmp_path / "CrossLang.exe", [PROGRAM], references=[core], target="exe")

    responses = animate_file(loopback_server, dialogue_wav, layout_prompt="face to face across a table")
    frames = [r.frame for r in responses if r.HasField("frame")]
    assert len(frames) > 25, "the service sent less than a second of frames"
    # The check only means something if rotations move off identity and positions off the axes.
    assert any(abs(f.participants[0].head.y) > 1e-3 or abs(f.participants[0].head.x) > 1e-3 for f in frames)
    assert any(abs(p.translation.z) > 1e-3 for f in frames for p in f.participants)
    assert any(abs(a.yaw_rad) > 0.1 for a in responses[0].header.layout.anchors)

    fixture = tmp_path / "frames.csv"
    expected = write_fixture(responses, fixture)
    run = subprocess.run(["mono", str(exe), str(fixture), repr(TOLERANCE)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, f"C# and Python disagree:\n{run.stdout}{run.stderr}"
    assert f"checked {expected} values" in run.stdout, run.stdout
