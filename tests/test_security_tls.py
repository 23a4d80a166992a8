"""TLS against a real server on loopback, with certificates made in the test by `make_certs`
(what `talking-together certs` runs): plaintext and a wrong CA are refused, the right CA streams
25 fps, and mutual TLS turns away clients without a certificate from the CA."""

from __future__ import annotations

import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import numpy as np
import pytest
import soundfile as sf
from cryptography import x509

from talking_together.contract import FPS
from talking_together.service.client import animate_file, subscribe
from talking_together.service.config import SecurityConfig, ServerConfig
from talking_together.service.server import BackgroundServer
from talking_together.service.tls import ClientTLS, TLSConfigError, make_certs, open_channel, server_credentials
from talking_together.v1 import talking_together_pb2 as pb
from talking_together.v1 import talking_together_pb2_grpc as pb_grpc

CLI = [sys.executable, "-m", "talking_together.cli"]


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Our CA with a server certificate for 127.0.0.1 and a client certificate; and a stranger's CA."""
    ours = make_certs(tmp_path_factory.mktemp("pki"), ["127.0.0.1"], clients=["headset"])
    theirs = make_certs(tmp_path_factory.mktemp("other-pki"), ["127.0.0.1"], clients=["intruder"])
    return {**ours, "wrong_ca": theirs["ca.pem"], "intruder.pem": theirs["intruder.pem"], "intruder.key": theirs["intruder.key"]}


@pytest.fixture(scope="module")
def noise_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wav = tmp_path_factory.mktemp("room") / "noise.wav"
    sf.write(wav, (np.random.default_rng(0).standard_normal(16000) * 0.05).astype(np.float32), 16000, subtype="PCM_16")
    return wav


@pytest.fixture(scope="module")
def tls_server(pki: dict[str, Path], noise_wav: Path) -> Iterator[BackgroundServer]:
    security = SecurityConfig(tls_cert=str(pki["server.pem"]), tls_key=str(pki["server.key"]))
    with BackgroundServer(ServerConfig(port=0, animator="baseline", source=str(noise_wav), loop_source=True, security=security)) as server:
        yield server


def get_info(channel: grpc.Channel) -> pb.ServiceInfo:
    return pb_grpc.TalkingTogetherStub(channel).GetInfo(pb.GetInfoRequest(), timeout=5)


def test_a_plaintext_client_is_refused(tls_server: BackgroundServer) -> None:
    with grpc.insecure_channel(tls_server.address) as channel, pytest.raises(grpc.RpcError) as err:
        get_info(channel)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


def test_a_client_trusting_another_ca_is_refused(tls_server: BackgroundServer, pki: dict[str, Path]) -> None:
    with open_channel(tls_server.address, ClientTLS(str(pki["wrong_ca"]))) as channel, pytest.raises(grpc.RpcError) as err:
        get_info(channel)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


def test_the_right_ca_streams_25_fps(tls_server: BackgroundServer, pki: dict[str, Path]) -> None:
    frames = []
    with open_channel(tls_server.address, ClientTLS(str(pki["ca.pem"]))) as channel:
        assert get_info(channel).animator == "baseline"
        stream = subscribe(channel, "tls-test")
        for response in stream:
            if response.WhichOneof("payload") == "frame":
                frames.append(response.frame)
                if len(frames) == FPS - 5:  # within one pass of the 1 s file
                    stream.cancel()
                    break
    assert [f.sequence for f in frames] == list(range(frames[0].sequence, frames[0].sequence + len(frames)))
    # 25 frames per second of room audio, none lost: the stamps are 40 ms apart. (Arrival rate is the
    # animator's business, not TLS's; on a CPU shared with training it falls behind with or without TLS.)
    assert np.allclose(np.diff([f.capture_time_ns for f in frames]) / 1e6, 1000 / FPS, atol=0.01)


def test_animate_over_tls_with_a_server_name_override(tls_server: BackgroundServer, pki: dict[str, Path], noise_wav: Path) -> None:
    """The certificate names localhost too: a client dialling 127.0.0.1 may check it against that name."""
    responses = animate_file(tls_server.address, noise_wav, tls=ClientTLS(str(pki["ca.pem"]), server_name="localhost"))
    assert responses[-1].status.code == 0 and sum(r.WhichOneof("payload") == "frame" for r in responses) == FPS


def test_mutual_tls_needs_a_certificate_from_the_client_ca(pki: dict[str, Path]) -> None:
    security = SecurityConfig(tls_cert=str(pki["server.pem"]), tls_key=str(pki["server.key"]), tls_client_ca=str(pki["ca.pem"]))
    with BackgroundServer(ServerConfig(port=0, animator="baseline", security=security)) as server:
        ca = str(pki["ca.pem"])
        for tls in (ClientTLS(ca), ClientTLS(ca, str(pki["intruder.pem"]), str(pki["intruder.key"]))):
            with open_channel(server.address, tls) as channel, pytest.raises(grpc.RpcError) as err:
                get_info(channel)
            assert err.value.code() == grpc.StatusCode.UNAVAILABLE
        with open_channel(server.address, ClientTLS(ca, str(pki["headset.pem"]), str(pki["headset.key"]))) as channel:
            assert get_info(channel).fps == FPS


def test_bad_tls_files_are_one_clear_error(pki: dict[str, Path], tmp_path: Path) -> None:
    not_pem = tmp_path / "key.txt"
    not_pem.write_text("hello")
    cases = [
        (SecurityConfig(tls_cert=str(pki["server.pem"])), "both --tls-cert FILE and --tls-key FILE"),
        (SecurityConfig(tls_cert=str(pki["server.pem"]), tls_key=str(tmp_path / "none.key")), "cannot read the private key"),
        (SecurityConfig(tls_cert=str(pki["server.pem"]), tls_key=str(not_pem)), "is not a PEM private key"),
        (SecurityConfig(tls_cert=str(pki["server.pem"]), tls_key=str(pki["headset.key"])), "is not the key of"),
        (SecurityConfig(tls_client_ca=str(pki["ca.pem"])), "mutual TLS is TLS first"),
    ]
    for security, words in cases:
        with pytest.raises(TLSConfigError, match=words):
            server_credentials(security)


def test_certs_command_writes_a_ca_and_a_server_certificate_for_the_lan_address(tmp_path: Path) -> None:
    out = tmp_path / "certs"
    result = subprocess.run([*CLI, "certs", "--out", str(out), "--host", "192.168.1.20", "--host", "studio.local"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    for name in ("ca.pem", "server.pem", "server.key", "ca.key"):
        assert (out / name).is_file()
    for key in ("server.key", "ca.key"):
        assert stat.S_IMODE((out / key).stat().st_mode) == 0o600
    cert = x509.load_pem_x509_certificate((out / "server.pem").read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert {str(ip) for ip in san.get_values_for_type(x509.IPAddress)} == {"192.168.1.20", "127.0.0.1"}
    assert set(san.get_values_for_type(x509.DNSName)) == {"studio.local", "localhost"}
    ca = x509.load_pem_x509_certificate((out / "ca.pem").read_bytes())
    assert cert.issuer == ca.subject and cert.not_valid_after_utc.timestamp() > time.time() + 365 * 86400
    # Re-issuing for a new address keeps the CA that clients already trust.
    again = make_certs(out, ["192.168.1.21"])
    assert again["ca.pem"].read_bytes() == (out / "ca.pem").read_bytes()
    assert x509.load_pem_x509_certificate((out / "server.pem").read_bytes()).issuer == ca.subject
