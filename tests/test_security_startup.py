"""`talking-together serve` as users run it: every start-up failure is one line and exit status 1,
never a traceback; a non-loopback bind needs TLS and tokens or an explicit, loudly logged --insecure;
SIGHUP re-reads the token file."""

from __future__ import annotations

import logging
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from talking_together.cli import main
from talking_together.service.auth import new_token
from talking_together.service.config import SecurityConfig, ServerConfig
from talking_together.service.server import BackgroundServer, UnsafeBindError, check_exposure
from talking_together.service.tls import make_certs

from serving import CLI, free_port, wait_serving


CONSOLE_CASES = ("corrupt-checkpoint", "busy-port")  # also run as real processes: gRPC's own stderr counts too


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[list[str], str]]]:
    """id -> (serve arguments, the words its one line must hold); a real server holds the busy port meanwhile."""
    root = tmp_path_factory.mktemp("startup")
    corrupt = root / "corrupt.pt"
    corrupt.write_bytes(b"PK\x03\x04 half a zip file")
    broken_cal = root / "room.json"
    broken_cal.write_text("{ not json")
    certs = make_certs(root / "certs", ["127.0.0.1"], clients=["other"])
    with BackgroundServer(ServerConfig(port=0, animator="baseline")) as busy:
        port = str(busy.running.port)
        yield {
            "corrupt-checkpoint": (["--animator", "diffusion", "--checkpoint", str(corrupt)], "corrupt.pt is not a readable torch checkpoint"),
            "missing-checkpoint": (["--animator", "diffusion", "--checkpoint", str(root / "none.pt")], "no checkpoint at"),
            "broken-calibration": (["--animator", "baseline", "--calibration", str(broken_cal)], "room.json is not valid JSON"),
            "busy-port": (["--animator", "baseline", "--port", port], f"port {port} on 127.0.0.1 is in use"),
            "wrong-tls-key": (["--animator", "baseline", "--tls-cert", str(certs["server.pem"]), "--tls-key", str(certs["other.key"])],
                              "is not the key of"),
            "missing-tokens": (["--animator", "baseline", "--tokens", str(root / "none.json")], "no token file at"),
            "open-lan-bind": (["--animator", "baseline", "--host", "0.0.0.0"], "refusing to serve 0.0.0.0"),
        }


def with_port(args: list[str]) -> list[str]:
    return args if "--port" in args else [*args, "--port", str(free_port())]


@pytest.mark.parametrize("case", ["corrupt-checkpoint", "missing-checkpoint", "broken-calibration", "busy-port", "wrong-tls-key",
                                  "missing-tokens", "open-lan-bind"])
def test_a_start_up_failure_is_one_record_and_exit_1(cases: dict, case: str, caplog: pytest.LogCaptureFixture) -> None:
    """In process, through the console script's main(): one ERROR record, one line, no traceback attached."""
    args, words = cases[case]
    caplog.set_level(logging.INFO)
    assert main(["serve", *with_port(args)]) == 1
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    message = errors[0].getMessage()
    assert words in message and "\n" not in message and errors[0].exc_info is None, message


def test_console_start_up_failures_print_one_line(cases: dict) -> None:
    """As real processes (run at once: each pays the CLI's import time): stderr is exactly one line, exit status 1."""
    procs = {name: subprocess.Popen([*CLI, "serve", *with_port(cases[name][0])], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in CONSOLE_CASES}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        lines = err.strip().splitlines()
        assert proc.returncode == 1 and "Traceback" not in err and len(lines) == 1, (name, err)
        assert " ERROR " in lines[0] and cases[name][1] in lines[0] and not out


def test_the_open_bind_message_names_the_fix(cases: dict, caplog: pytest.LogCaptureFixture) -> None:
    assert main(["serve", *with_port(cases["open-lan-bind"][0])]) == 1
    line = caplog.records[-1].getMessage()
    for fix in ("--tls-cert", "--tls-key", "--tokens", "talking-together certs", "talking-together token new", "--insecure"):
        assert fix in line


def test_exposure_rules() -> None:
    certs = SecurityConfig(tls_cert="s.pem", tls_key="s.key")
    for host in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        check_exposure(ServerConfig(host=host))  # loopback may run open
    with pytest.raises(UnsafeBindError, match="without TLS and tokens"):
        check_exposure(ServerConfig(host="192.168.1.20"))
    with pytest.raises(UnsafeBindError, match="without tokens"):
        check_exposure(ServerConfig(host="0.0.0.0", security=certs))
    with pytest.raises(UnsafeBindError, match="without TLS:"):
        check_exposure(ServerConfig(host="::", security=SecurityConfig(tokens="t.json")))
    check_exposure(ServerConfig(host="0.0.0.0", security=SecurityConfig(tls_cert="s.pem", tls_key="s.key", tokens="t.json")))
    check_exposure(ServerConfig(host="0.0.0.0", security=SecurityConfig(tls_cert="s.pem", tls_key="s.key", tls_client_ca="ca.pem")))


def test_insecure_starts_on_every_interface_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    with BackgroundServer(ServerConfig(host="0.0.0.0", port=0, animator="baseline", security=SecurityConfig(insecure=True))) as server:
        wait_serving(f"127.0.0.1:{server.running.port}", timeout_s=10)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "INSECURE" in r.getMessage()]
    assert len(warnings) == 1 and "without TLS or tokens" in warnings[0] and "anyone" in warnings[0]


@pytest.mark.parametrize("host", ["::1", "[::1]"])
def test_an_ipv6_loopback_host_serves(host: str) -> None:
    """An IPv6 literal needs brackets in gRPC's host:port; `--host ::1` once failed to bind."""
    with BackgroundServer(ServerConfig(host=host, port=0, animator="baseline")) as server:
        assert server.address == f"[::1]:{server.running.port}"
        wait_serving(server.address, timeout_s=10)


def test_serve_insecure_and_sighup_reloads_tokens(tmp_path: Path) -> None:
    """The console script: --insecure on 0.0.0.0 starts with the warning; SIGHUP re-reads the token file."""
    tokens = tmp_path / "tokens.json"
    new_token(tokens, "headset", "subscribe")
    port = free_port()
    server = subprocess.Popen([*CLI, "serve", "--animator", "baseline", "--host", "0.0.0.0", "--port", str(port), "--insecure",
                               "--tokens", str(tokens)], stderr=subprocess.PIPE, text=True)
    try:
        wait_serving(f"127.0.0.1:{port}")
        server.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        assert server.poll() is None  # SIGHUP does not end it
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=30)
    assert server.returncode == 0, stderr
    assert "INSECURE: serving 0.0.0.0" in stderr and "without TLS (--insecure)" in stderr
    assert "auth: reloaded 1 token(s)" in stderr
