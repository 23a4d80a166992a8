"""Tokens and scopes against a real TLS server on loopback, with certificates and tokens made in the
test: each way of failing gets its status and a message without the secret; health stays open;
reflection and GetInfo need a token; tokens rotate without a restart; failures are rate-limited
per address, and 1000 of them leak nothing and leave a streaming session streaming."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import numpy as np
import pytest
import soundfile as sf
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from talking_together.contract import FPS
from talking_together.service.auth import FailureLimiter, TokenFileError, new_token, peer_address, read_token_file, revoke_token
from talking_together.service.client import animate_file, subscribe
from talking_together.service.config import AuthLimits, SecurityConfig, ServerConfig
from talking_together.service.server import BackgroundServer
from talking_together.service.tls import ClientTLS, make_certs, open_channel
from talking_together.v1 import talking_together_pb2 as pb
from talking_together.v1 import talking_together_pb2_grpc as pb_grpc

UNAUTHENTICATED = grpc.StatusCode.UNAUTHENTICATED
DENIED = grpc.StatusCode.PERMISSION_DENIED


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Certificates, a token file with a token per case, and a 1 s room recording."""
    root = tmp_path_factory.mktemp("auth")
    certs = make_certs(root / "certs", ["127.0.0.1"])
    tokens = root / "tokens.json"
    secrets = {
        "full": new_token(tokens, "full", "animate,subscribe,info"),
        "viewer": new_token(tokens, "viewer", "subscribe"),
        "old": new_token(tokens, "old", "info", expires_at=time.time() - 60),
        "gone": new_token(tokens, "gone", "info"),
    }
    revoke_token(tokens, "gone")
    wav = root / "room.wav"
    sf.write(wav, (np.random.default_rng(1).standard_normal(16000) * 0.05).astype(np.float32), 16000, subtype="PCM_16")
    return {"certs": certs, "tokens": tokens, "secrets": secrets, "wav": wav, "tls": ClientTLS(str(certs["ca.pem"]))}


def security(setup: dict, **auth: object) -> SecurityConfig:
    certs = setup["certs"]
    return SecurityConfig(tls_cert=str(certs["server.pem"]), tls_key=str(certs["server.key"]), tokens=str(setup["tokens"]),
                          auth=AuthLimits(**auth))


@pytest.fixture(scope="module")
def server(setup: dict) -> Iterator[BackgroundServer]:
    """Failures are not rate-limited here (the cases share 127.0.0.1); see the limiter tests for that."""
    config = ServerConfig(port=0, animator="baseline", source=str(setup["wav"]), loop_source=True, security=security(setup, max_failures=10**6))
    with BackgroundServer(config) as running:
        yield running


def get_info(address: str, setup: dict, token: str | None, metadata: tuple = ()) -> pb.ServiceInfo:
    with open_channel(address, setup["tls"], token) as channel:
        return pb_grpc.TalkingTogetherStub(channel).GetInfo(pb.GetInfoRequest(), timeout=10, metadata=metadata or None)


def first_frames(address: str, setup: dict, token: str | None, n: int) -> list[pb.Frame]:
    frames = []
    with open_channel(address, setup["tls"], token) as channel:
        stream = subscribe(channel, "auth-test")
        for response in stream:
            if response.WhichOneof("payload") == "frame":
                frames.append(response.frame)
                if len(frames) == n:
                    stream.cancel()
                    break
    return frames


@pytest.mark.parametrize(
    ("who", "metadata", "code", "words"),
    [
        (None, (), UNAUTHENTICATED, ("needs a token", "authorization: Bearer TOKEN")),
        ("tt_not-a-token-of-this-server", (), UNAUTHENTICATED, ("not valid on this server",)),
        (None, (("authorization", "Basic dXNlcjpwYXNz"),), UNAUTHENTICATED, ("must be 'Bearer TOKEN'",)),
        ("old", (), UNAUTHENTICATED, ("token 'old' expired",)),
        ("gone", (), UNAUTHENTICATED, ("not valid on this server", "revoked")),
        ("viewer", (), DENIED, ("token 'viewer' lacks the 'info' scope", "GetInfo", "--scope info")),
    ],
    ids=["no-token", "wrong-token", "not-bearer", "expired", "removed", "without-scope"],
)
def test_each_failure_has_its_status_and_never_echoes_the_token(
    server: BackgroundServer, setup: dict, who: str | None, metadata: tuple, code: grpc.StatusCode, words: tuple[str, ...]
) -> None:
    secret = setup["secrets"].get(who, who)
    with pytest.raises(grpc.RpcError) as err:
        get_info(server.address, setup, secret, metadata)
    assert err.value.code() == code, err.value.details()
    assert all(w in err.value.details() for w in words), err.value.details()
    for presented in filter(None, [secret, *(v for _, v in metadata)]):
        assert presented not in err.value.details() and presented.split()[-1] not in err.value.details()


def test_the_token_file_keeps_only_hashes(setup: dict) -> None:
    text = setup["tokens"].read_text()
    assert not any(secret in text for secret in setup["secrets"].values())
    names = [t["name"] for t in json.loads(text)["tokens"]]
    assert names == ["full", "viewer", "old"] and oct(setup["tokens"].stat().st_mode & 0o777) == "0o600"
    assert {t.name: t.scopes for t in read_token_file(setup["tokens"]).values()}["viewer"] == {"subscribe"}
    with pytest.raises(TokenFileError, match="already has a token named 'full'"):
        new_token(setup["tokens"], "full", "info")
    with pytest.raises(TokenFileError, match="subset of animate,subscribe,record,info"):
        new_token(setup["tokens"], "x", "admin")


def test_a_correct_token_streams_25_fps(server: BackgroundServer, setup: dict, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    assert get_info(server.address, setup, setup["secrets"]["full"]).animator == "baseline"
    frames = first_frames(server.address, setup, setup["secrets"]["viewer"], FPS - 5)  # subscribe scope only: enough
    assert len(frames) == FPS - 5
    assert np.allclose(np.diff([f.capture_time_ns for f in frames]) / 1e6, 1000 / FPS, atol=0.01)
    joined = [r.getMessage() for r in caplog.records if "joined room" in r.getMessage()]
    assert len(joined) == 1 and "'auth-test'" in joined[0] and "token 'viewer'" in joined[0]  # who, by token name
    assert not any(secret in r.getMessage() for r in caplog.records for secret in setup["secrets"].values())


def test_a_subscriber_token_cannot_animate(server: BackgroundServer, setup: dict) -> None:
    with pytest.raises(grpc.RpcError) as err:
        animate_file(server.address, setup["wav"], tls=setup["tls"], token=setup["secrets"]["viewer"])
    assert err.value.code() == DENIED and "'animate' scope" in err.value.details()


def test_health_is_open_and_reflection_needs_a_token(server: BackgroundServer, setup: dict) -> None:
    with open_channel(server.address, setup["tls"]) as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    for token, code in ((None, UNAUTHENTICATED), (setup["secrets"]["viewer"], DENIED)):
        with open_channel(server.address, setup["tls"], token) as channel, pytest.raises(grpc.RpcError) as err:
            list(reflection_pb2_grpc.ServerReflectionStub(channel).ServerReflectionInfo(iter([request]), timeout=10))
        assert err.value.code() == code
    with open_channel(server.address, setup["tls"], setup["secrets"]["full"]) as channel:
        replies = list(reflection_pb2_grpc.ServerReflectionStub(channel).ServerReflectionInfo(iter([request]), timeout=10))
    assert "talking_together.v1.TalkingTogether" in {s.name for s in replies[0].list_services_response.service}


def test_tokens_rotate_without_a_restart(setup: dict, tmp_path: Path) -> None:
    """A token added to the file works at the next call; a revoked one stops; a broken edit keeps the last good set."""
    tokens = tmp_path / "tokens.json"
    first = new_token(tokens, "first", "info")
    config = ServerConfig(port=0, animator="baseline", security=SecurityConfig(tls_cert=str(setup["certs"]["server.pem"]),
                          tls_key=str(setup["certs"]["server.key"]), tokens=str(tokens)))
    with BackgroundServer(config) as server:
        assert get_info(server.address, setup, first).fps == FPS
        second = new_token(tokens, "second", "info")
        assert get_info(server.address, setup, second).fps == FPS
        revoke_token(tokens, "first")
        with pytest.raises(grpc.RpcError) as err:
            get_info(server.address, setup, first)
        assert err.value.code() == UNAUTHENTICATED
        tokens.write_text("{ half an edit")
        assert get_info(server.address, setup, second).fps == FPS  # still the last good set
        os.remove(tokens)
        with pytest.raises(grpc.RpcError) as err:  # the file is gone: fail closed
            get_info(server.address, setup, second)
        assert err.value.code() == UNAUTHENTICATED


def test_failures_are_rate_limited_per_address(setup: dict) -> None:
    config = ServerConfig(port=0, animator="baseline", security=security(setup, max_failures=5, window_s=60.0))
    with BackgroundServer(config) as server:
        codes = []
        for _ in range(7):
            with pytest.raises(grpc.RpcError) as err:
                get_info(server.address, setup, "tt_guess")
            codes.append(err.value.code())
        assert codes == [UNAUTHENTICATED] * 5 + [grpc.StatusCode.RESOURCE_EXHAUSTED] * 2
        assert "too many failed authentications from 127.0.0.1" in err.value.details()
        with pytest.raises(grpc.RpcError) as err:  # while locked out, even a good token waits for the window
            get_info(server.address, setup, setup["secrets"]["full"])
        assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        with open_channel(server.address, setup["tls"]) as channel:  # the health check is never locked
            assert health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10).status == 1


def test_the_limiter_counts_per_address_in_a_window_with_a_bounded_table() -> None:
    now = [0.0]
    limiter = FailureLimiter(AuthLimits(max_failures=3, window_s=10.0, max_tracked_peers=100), clock=lambda: now[0])
    for _ in range(3):
        limiter.fail("10.0.0.7")
    assert limiter.retry_after("10.0.0.7") == pytest.approx(10.0) and limiter.retry_after("10.0.0.8") == 0.0
    now[0] = 10.0
    assert limiter.retry_after("10.0.0.7") == 0.0  # the window has passed
    for k in range(1000):
        limiter.fail(f"10.1.{k // 256}.{k % 256}")
    assert len(limiter._table) == 100  # an attacker with many addresses cannot grow it
    assert peer_address("ipv4:10.0.0.7:53211") == "10.0.0.7" and peer_address("ipv6:%5B::1%5D:53211") == "::1"


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def test_1000_failed_attempts_leak_nothing_and_a_streaming_session_keeps_streaming(setup: dict) -> None:
    config = ServerConfig(port=0, animator="baseline", source=str(setup["wav"]), loop_source=True, security=security(setup))
    with BackgroundServer(config) as server:
        frames: list[pb.Frame] = []
        done = threading.Event()

        def watch() -> None:  # admitted before the flood; the lockout applies to new calls only
            with open_channel(server.address, setup["tls"], setup["secrets"]["viewer"]) as channel:
                stream = subscribe(channel, "watcher")
                for response in stream:
                    if response.WhichOneof("payload") == "frame":
                        frames.append(response.frame)
                    if done.is_set():
                        stream.cancel()
                        break

        watcher = threading.Thread(target=watch)
        watcher.start()
        deadline = time.monotonic() + 30
        while not frames and time.monotonic() < deadline:
            time.sleep(0.05)
        assert frames, "the watcher never got a frame"

        def flood(n: int) -> set[grpc.StatusCode]:
            codes = set()
            with open_channel(server.address, setup["tls"], "tt_guess") as channel:
                stub = pb_grpc.TalkingTogetherStub(channel)
                for _ in range(n):
                    try:
                        stub.GetInfo(pb.GetInfoRequest(), timeout=10)
                    except grpc.RpcError as exc:
                        codes.add(exc.code())
            return codes

        flood(100)  # warm up channels, allocators and caches
        threads, fds, rss, before = threading.active_count(), _fds(), _rss_mib(), len(frames)
        assert flood(1000) == {grpc.StatusCode.RESOURCE_EXHAUSTED}  # locked out after the first 10
        assert server.running.auth.failures == 10  # locked-out attempts cost no token check
        assert threading.active_count() <= threads and _fds() <= fds + 2
        assert _rss_mib() - rss < 10.0, f"RSS grew by {_rss_mib() - rss:.1f} MiB over 1000 failed attempts"
        time.sleep(0.5)
        done.set()
        watcher.join(timeout=30)
        assert len(frames) > before  # the admitted session kept streaming through the flood
        stamps = np.diff([f.capture_time_ns for f in frames]) / 1e6
        assert np.all((np.abs(stamps - 1000 / FPS) < 0.01) | (stamps > 1000 / FPS))  # none lost or reordered (the 1 s file loops)
        assert [f.sequence for f in frames] == list(range(frames[0].sequence, frames[0].sequence + len(frames)))


def test_the_console_token_and_client_commands(setup: dict, tmp_path: Path) -> None:
    """`token new` prints the secret once and stores its hash; `client --tls-ca --token` streams with it, and without it fails clearly."""
    import subprocess
    import sys

    cli = [sys.executable, "-m", "talking_together.cli"]
    tokens = tmp_path / "tokens.json"
    made = subprocess.run([*cli, "token", "new", str(tokens), "--name", "headset", "--scope", "subscribe,info"],
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip()
    assert secret.startswith("tt_") and secret not in tokens.read_text() and "shown once" in made.stderr
    certs = setup["certs"]
    security = SecurityConfig(tls_cert=str(certs["server.pem"]), tls_key=str(certs["server.key"]), tokens=str(tokens))
    with BackgroundServer(ServerConfig(port=0, animator="baseline", source=str(setup["wav"]), loop_source=True, security=security)) as server:
        base = [*cli, "client", "--server", server.address, "--tls-ca", str(certs["ca.pem"]), "--max-frames", "10"]
        good = subprocess.Popen([*base, "--token", secret], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        bad = subprocess.Popen(base, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        (good_out, good_err), (_, bad_err) = good.communicate(timeout=120), bad.communicate(timeout=120)
    assert good.returncode == 0 and "frames 10" in good_out, good_err
    assert bad.returncode == 1 and "UNAUTHENTICATED" in bad_err and "needs a token" in bad_err
    assert secret not in good_err + bad_err
