"""TLS: server and client credentials from PEM files, and a small local CA for a LAN (`talking-together certs`).

The CA is ECDSA P-256 (BoringSSL, rustls and .NET all accept it). A server certificate names
the LAN address or host name a headset dials, plus localhost and 127.0.0.1 so that the same
files also work on the machine itself. Keys are written readable by their owner only.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import grpc

from talking_together.service.config import ClientTransport, SecurityConfig


class TLSConfigError(ValueError):
    """A TLS file that is missing or unusable, or flags that do not fit together; says which and what to do."""


def _read_pem(path: str, what: str, flag: str) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise TLSConfigError(f"cannot read the {what} {path} ({flag}): {exc.strerror or exc}") from None
    if b"-----BEGIN " not in data:
        raise TLSConfigError(f"{path} ({flag}) is not a PEM {what}: make one with `talking-together certs --out DIR --host NAME_OR_IP`")
    return data


def server_credentials(security: SecurityConfig) -> grpc.ServerCredentials | None:
    """None for plaintext; TLS (and mutual TLS with a client CA) otherwise. Files are checked here, at start-up."""
    if not security.tls:
        if security.tls_client_ca:
            raise TLSConfigError("--tls-client-ca needs --tls-cert and --tls-key: mutual TLS is TLS first")
        return None
    if not (security.tls_cert and security.tls_key):
        raise TLSConfigError("TLS needs both --tls-cert FILE and --tls-key FILE (from `talking-together certs`)")
    cert = _read_pem(security.tls_cert, "certificate", "--tls-cert")
    key = _read_pem(security.tls_key, "private key", "--tls-key")
    _check_pair(cert, key, security.tls_cert, security.tls_key)
    client_ca = _read_pem(security.tls_client_ca, "CA certificate", "--tls-client-ca") if security.tls_client_ca else None
    return grpc.ssl_server_credentials([(key, cert)], root_certificates=client_ca, require_client_auth=client_ca is not None)


def _check_pair(cert_pem: bytes, key_pem: bytes, cert_path: str, key_path: str) -> None:
    """A key that does not match its certificate would fail every handshake later, silently: fail now, in one line."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
        key = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError) as exc:
        raise TLSConfigError(f"cannot parse {cert_path} or {key_path}: {exc}") from None
    der = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if cert.public_key().public_bytes(*der) != key.public_key().public_bytes(*der):
        raise TLSConfigError(f"{key_path} is not the key of {cert_path}: give the pair that `talking-together certs` wrote together")


@dataclass(frozen=True)
class ClientTLS:
    """What a client needs: the CA that signed the server, and for mutual TLS its own certificate and key."""

    ca: str
    cert: str | None = None
    key: str | None = None
    server_name: str | None = None  # the name to check the certificate against, when dialling another (an IP tunnel)

    def credentials(self) -> grpc.ChannelCredentials:
        if bool(self.cert) != bool(self.key):
            raise TLSConfigError("a client certificate needs both --tls-cert and --tls-key")
        return grpc.ssl_channel_credentials(
            root_certificates=_read_pem(self.ca, "CA certificate", "--tls-ca"),
            private_key=_read_pem(self.key, "private key", "--tls-key") if self.key else None,
            certificate_chain=_read_pem(self.cert, "certificate", "--tls-cert") if self.cert else None,
        )


class _BearerToken(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor,
                   grpc.StreamUnaryClientInterceptor, grpc.StreamStreamClientInterceptor):
    """Adds `authorization: Bearer TOKEN` to every call (also over plaintext loopback, which call credentials refuse)."""

    def __init__(self, token: str) -> None:
        self._metadata = (("authorization", f"Bearer {token}"),)

    def _details(self, details: grpc.ClientCallDetails) -> grpc.ClientCallDetails:
        return _Details(details.method, details.timeout, tuple(details.metadata or ()) + self._metadata, details.credentials,
                        getattr(details, "wait_for_ready", None), getattr(details, "compression", None))

    def intercept_unary_unary(self, continuation, details, request):  # noqa: ANN001, ANN201 (grpc's interface)
        return continuation(self._details(details), request)

    def intercept_unary_stream(self, continuation, details, request):  # noqa: ANN001, ANN201
        return continuation(self._details(details), request)

    def intercept_stream_unary(self, continuation, details, requests):  # noqa: ANN001, ANN201
        return continuation(self._details(details), requests)

    def intercept_stream_stream(self, continuation, details, requests):  # noqa: ANN001, ANN201
        return continuation(self._details(details), requests)


class _Details(grpc.ClientCallDetails):
    def __init__(self, method, timeout, metadata, credentials, wait_for_ready, compression) -> None:  # noqa: ANN001
        self.method, self.timeout, self.metadata = method, timeout, metadata
        self.credentials, self.wait_for_ready, self.compression = credentials, wait_for_ready, compression


def open_channel(address: str, tls: ClientTLS | None = None, token: str | None = None,
                 transport: ClientTransport = ClientTransport()) -> grpc.Channel:
    """A channel to `address`: TLS when `tls` is given, plaintext otherwise; with the token on every call,
    and a small receive window (`ClientTransport`) so a stalled client does not come back to a stale backlog."""
    options = transport.channel_options()
    if tls is None:
        channel = grpc.insecure_channel(address, options=options)
    else:
        options += [("grpc.ssl_target_name_override", tls.server_name)] if tls.server_name else []
        channel = grpc.secure_channel(address, tls.credentials(), options=options)
    return grpc.intercept_channel(channel, _BearerToken(token)) if token else channel


# ---------------------------------------------------------------------- a local CA


def _write(path: Path, data: bytes, private: bool) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _san(hosts: Iterable[str]) -> list:
    from cryptography import x509

    names: list = []
    for host in dict.fromkeys([*hosts, "localhost", "127.0.0.1"]):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return names


def make_certs(out: str | Path, hosts: list[str], clients: Iterable[str] = (), days: int = 825) -> dict[str, Path]:
    """ca.pem (+ ca.key), server.pem and server.key for `hosts`, and CLIENT.pem/.key per client name for mutual TLS.

    An existing ca.pem + ca.key in `out` is reused, so a headset that trusts the CA keeps trusting
    a server certificate re-issued for a new address.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    if not hosts:
        raise TLSConfigError("give the name or address clients dial: --host 192.168.1.20 (or a host name)")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc)
    pem = serialization.Encoding.PEM
    ca_pem, ca_key_path = out / "ca.pem", out / "ca.key"

    def key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
        return key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())

    if ca_pem.exists() and ca_key_path.exists():
        ca_cert = x509.load_pem_x509_certificate(ca_pem.read_bytes())
        ca_key = serialization.load_pem_private_key(ca_key_path.read_bytes(), password=None)
    else:
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Talking Together local CA")])
        ca_cert = (
            x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        _write(ca_pem, ca_cert.public_bytes(pem), private=False)
        _write(ca_key_path, key_pem(ca_key), private=True)

    def issue(common_name: str, usage: x509.ObjectIdentifier, san: list | None) -> tuple[bytes, bytes]:
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (
            x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
            .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        )
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        return builder.sign(ca_key, hashes.SHA256()).public_bytes(pem), key_pem(key)

    written = {"ca.pem": ca_pem}
    cert, key = issue(hosts[0], ExtendedKeyUsageOID.SERVER_AUTH, _san(hosts))
    for name, data, private in (("server.pem", cert, False), ("server.key", key, True)):
        _write(out / name, data, private)
        written[name] = out / name
    for client in clients:
        cert, key = issue(client, ExtendedKeyUsageOID.CLIENT_AUTH, None)
        for name, data, private in ((f"{client}.pem", cert, False), (f"{client}.key", key, True)):
            _write(out / name, data, private)
            written[name] = out / name
    return written
