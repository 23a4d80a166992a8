"""How many sessions this server admits: measured at start-up, or configured (issues 15 and 18).

Why measure: a fixed cap is wrong on every machine but one. On a 2-core laptop about 4 sessions
keep 25 fps, on a workstation dozens do, and past the machine's capacity every admitted session
degrades together (5-14 fps, up to 60 s late). So before it accepts, the server runs one session
of the animator it serves (speaker activity included) on a few seconds of a synthesised
dialogue, as fast as it can, and admits

    sessions = floor(cores x capacity_load / session_cost)

where `session_cost` is the wall seconds of work per second of audio. The measurement runs alone,
so it is pessimistic for the diffusion engine, whose rooms share one batched forward pass, and
it is taken after the models warm up, so it prices steady work rather than loading.
That is `serve --max-sessions auto`; by default the number is configured (8), and GetInfo says
which.

A start-up figure cannot see what happens later: sessions contend for the GIL and the worker
threads, the process pays per-session gRPC and decoding costs, and other programs load the
machine. So admission also watches what the running sessions cost now (`LoadGauge`): each
session's pushes are timed, waiting for a worker included, and once the sessions' mean load would
need `full_load` seconds of work per second of audio with one more beside it, or once any
session's audio has waited `full_backlog_s` before its push (the sign that the event loop or the
GIL, which no push timing sees, is the bottleneck), the next session is refused, whatever the
count.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from talking_together.audio.blocks import AudioBlock
from talking_together.contract import SAMPLE_RATE

log = logging.getLogger(__name__)

MEASURE_SECONDS = 6.0  # audio the measuring session animates: two turns of the demo dialogue
MEASURE_CHUNK = 640  # 40 ms blocks, as clients send them
MOST_MEASURED_SESSIONS = 256  # a bound on what a very fast device's measurement may admit


@dataclass(frozen=True)
class Capacity:
    """Sessions admitted at once (Animate sessions plus the room session), and where the number came from."""

    sessions: int
    session_cost: float | None = None  # measured: wall s of one session's work per s of audio; None: configured
    cores: int = 0  # the cores the measurement divided among sessions

    @property
    def measured(self) -> bool:
        return self.session_cost is not None

    def describe(self) -> str:
        """Why the number is what it is, for logs and the refusal a client reads."""
        if not self.measured:
            return "configured: --max-sessions N, or auto to measure"
        return (f"measured at start-up: one session costs {self.session_cost:.2f} s of work per s of audio on "
                f"{self.cores} cores; --max-sessions N configures it")


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_session(animator: str, checkpoint: str | None) -> float:
    """One session of `animator` (speaker activity included) on the measuring audio, pushed as fast
    as it goes; its wall seconds per second of audio."""
    from talking_together.activity import make_activity
    from talking_together.animators.registry import make_animator
    from talking_together.data.dialogue import demo_dialogue
    from talking_together.layout import resolve_layout

    audio = demo_dialogue().audio[: int(MEASURE_SECONDS * SAMPLE_RATE)].astype(np.float32)[:, None]  # (n, 1)
    session = make_animator(animator, resolve_layout(), 1, make_activity(None, 1), checkpoint=checkpoint)
    start = time.perf_counter()
    for begin in range(0, len(audio), MEASURE_CHUNK):
        session.push(AudioBlock(audio[begin : begin + MEASURE_CHUNK], time.monotonic_ns()))
    session.flush()
    return (time.perf_counter() - start) * SAMPLE_RATE / len(audio)


@functools.lru_cache(maxsize=None)
def warm_up(animator: str, checkpoint: str | None) -> None:
    """Run one session before the server accepts (once per process): a process's first session pays
    for lazy set-up (models, kernels, caches), 0.68 against 0.07 s of work per s of audio for the
    baseline, and without this its first client would, and the load guard would read it as a full server.
    The session loads the neural VAD and the voice encoder on the way."""
    run_session(animator, checkpoint)


@functools.lru_cache(maxsize=None)
def session_cost(animator: str, checkpoint: str | None) -> float:
    """Wall seconds one warm session of `animator` takes per second of audio, run alone (once per process)."""
    warm_up(animator, checkpoint)
    return run_session(animator, checkpoint)


def measure_capacity(animator: str, checkpoint: str | None, load: float) -> Capacity:
    """Sessions that keep up when admitted sessions may use `load` of every core (a fraction)."""
    cost = session_cost(animator, checkpoint)
    cores = usable_cores()
    sessions = max(1, min(MOST_MEASURED_SESSIONS, math.floor(cores * load / cost)))
    capacity = Capacity(sessions, cost, cores)
    log.info("capacity: %d sessions (%s)", sessions, capacity.describe())
    return capacity


def resolve_capacity(max_sessions: int | None, animator: str, checkpoint: str | None, load: float) -> Capacity:
    """The configured `max_sessions`, or a measurement when it is None."""
    if max_sessions is not None:
        return Capacity(max_sessions)
    return measure_capacity(animator, checkpoint, load)


class SessionLoad:
    """One session's recent load (a `WorkMeter`): wall seconds its pushes took per second of their
    audio, and how far behind real time its newest audio was when its push began (its backlog).

    Behind real time, not since arrival: a client that sends ahead of real time (a file streamed
    at the pacer's 2x, in 8 s chunks) has audio that waits by its own doing, while the server still
    keeps up with it. Its audio is due when real time reaches it (first arrival + audio before it),
    so only a server that falls behind the clock counts as behind."""

    MIN_AUDIO_S = 0.5  # less audio than this in the window says nothing about the load yet

    def __init__(self, window_s: float = 4.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._window_s, self._clock = window_s, clock
        self._pushes: deque[tuple[float, int, float, float]] = deque()  # (when, samples, wall s, backlog s)
        self._first_arrival: float | None = None
        self._audio_s = 0.0  # pushed so far

    def __call__(self, samples: int, wall_s: float, waited_s: float = 0.0) -> None:
        """A push of `samples` that took `wall_s`, begun `waited_s` after its audio arrived."""
        began = self._clock() - wall_s
        arrived = began - waited_s
        if self._first_arrival is None:
            self._first_arrival = arrived
        due = max(arrived, self._first_arrival + self._audio_s)
        self._audio_s += samples / SAMPLE_RATE
        self._pushes.append((self._clock(), samples, wall_s, max(0.0, began - due)))
        self._forget_old()

    def _forget_old(self) -> None:
        oldest = self._clock() - self._window_s
        while self._pushes and self._pushes[0][0] < oldest:
            self._pushes.popleft()

    def clear(self) -> None:
        """The session ended: what it cost says nothing about the sessions still running."""
        self._pushes.clear()

    def load(self) -> float:
        self._forget_old()
        samples = sum(p[1] for p in self._pushes)
        if samples < self.MIN_AUDIO_S * SAMPLE_RATE:
            return 0.0
        return sum(p[2] for p in self._pushes) * SAMPLE_RATE / samples

    def backlog(self) -> float:
        """Seconds the newest pushed audio had waited: a session that keeps up waits about one push."""
        self._forget_old()
        return self._pushes[-1][3] if self._pushes else 0.0


class LoadGauge:
    """The running sessions' loads. The server is full once their mean would reach `full_load` with
    one more session, or once any session's audio waits `full_backlog_s`: then the work is not
    where the load counts it (the event loop, contention for the GIL) and sessions fall behind.
    The mean, not the busiest: what one more session stretches is shared, and one session's
    burst (a new voice's embeddings) is not the server's load."""

    def __init__(self, full_load: float, full_backlog_s: float, cores: int | None = None) -> None:
        self.full_load, self.full_backlog_s = full_load, full_backlog_s
        self._cores = cores or usable_cores()
        self._sessions: set[SessionLoad] = set()

    def watch(self, session: SessionLoad) -> SessionLoad:
        self._sessions.add(session)
        return session

    def forget(self, session: SessionLoad) -> None:
        self._sessions.discard(session)

    def busiest(self) -> float:
        return max((session.load() for session in self._sessions), default=0.0)

    def mean(self) -> float:
        """The mean load of the sessions with enough audio in the window to judge."""
        loads = [load for load in (session.load() for session in self._sessions) if load > 0]
        return sum(loads) / len(loads) if loads else 0.0

    def with_one_more(self) -> float:
        """The mean load expected with one more session. Up to one session per core run side by
        side; past that they share the cores, the GIL and the workers, so each one's work
        stretches with their number (n sessions -> n + 1)."""
        running = len(self._sessions)
        if running + 1 <= self._cores:
            return self.mean()
        return self.mean() * (running + 1) / running

    def most_behind(self) -> float:
        return max((session.backlog() for session in self._sessions), default=0.0)

    def full(self) -> bool:
        return self.with_one_more() >= self.full_load or self.most_behind() >= self.full_backlog_s
