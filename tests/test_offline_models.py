"""Every shipped model file loads from its installed package with the network unreachable: no download, ever."""

from __future__ import annotations

import subprocess
import sys

OFFLINE = r'''
import socket

def refuse(*args, **kwargs):
    raise OSError("network unreachable (test_offline_models)")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

import numpy as np
from talking_together.activity import NeuralVad
from talking_together.activity.overlap import OverlapDetector
from talking_together.activity.voices import embed
from talking_together.model import DEFAULT_CHECKPOINT, load_generator

speech = np.random.default_rng(0).normal(0, 0.1, 16_000).astype(np.float32)
assert NeuralVad().step(speech[:640]) >= 0.0            # silero-vad's JIT file, from its wheel
e = embed(speech)                                         # Resemblyzer's pretrained.pt, from its wheel
assert e.shape == (256,) and abs(float(np.linalg.norm(e)) - 1.0) < 1e-4
load_generator(DEFAULT_CHECKPOINT, "cpu")                 # our diffusion checkpoint, package data
assert OverlapDetector().step(speech[:640]).shape == (2,)  # our voice counter, package data
print("offline ok")
'''


def test_every_shipped_model_loads_offline() -> None:
    result = subprocess.run([sys.executable, "-c", OFFLINE], capture_output=True, text=True, timeout=240)
    assert result.returncode == 0 and "offline ok" in result.stdout, result.stderr[-2000:]
