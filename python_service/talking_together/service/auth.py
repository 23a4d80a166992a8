"""Tokens and scopes: who may call what, checked in one server interceptor and nowhere else.

A token file (`talking-together token new FILE`) holds, per token, a name, its scopes and the
SHA-256 of its secret, never the secret. Clients send `authorization: Bearer SECRET` as call
metadata. `AuthInterceptor` wraps every handler but the health check's:

- no, malformed or unknown token: UNAUTHENTICATED; expired: UNAUTHENTICATED, naming the token;
- a token without the method's scope: PERMISSION_DENIED;
- more than `AuthLimits.max_failures` failures from one address in a window: RESOURCE_EXHAUSTED.

No message or log record contains a presented secret. The file is re-read when it changes
(checked on each call) and on SIGHUP, so tokens rotate without a restart. Secrets are 256-bit
random strings, so one unsalted SHA-256 is enough: there is nothing to guess from a dictionary.
"""

from __future__ import annotations

import contextvars
import hashlib
import inspect
import json
import logging
import os
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote

import grpc

from talking_together.service.config import AuthLimits
from talking_together.service.hygiene import client_text
from talking_together.v1 import talking_together_pb2 as pb

log = logging.getLogger(__name__)

FORMAT = "talking_together.tokens"
VERSION = 1
SCOPES: tuple[str, ...] = ("animate", "subscribe", "record", "info")
SECRET_PREFIX = "tt_"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")

_SERVICE = pb.DESCRIPTOR.services_by_name["TalkingTogether"].full_name
# The scope each method needs. `record` is for recorders; today they Subscribe, so that is what they need too.
METHOD_SCOPES: dict[str, str] = {
    f"/{_SERVICE}/Animate": "animate",
    f"/{_SERVICE}/Subscribe": "subscribe",
    f"/{_SERVICE}/GetInfo": "info",
}
PREFIX_SCOPES: tuple[tuple[str, str], ...] = (("/grpc.reflection.", "info"),)  # reflection describes the API: info
OPEN_PREFIXES: tuple[str, ...] = ("/grpc.health.v1.Health/",)  # load balancers probe without credentials

_principal: contextvars.ContextVar[str | None] = contextvars.ContextVar("principal", default=None)


class TokenFileError(ValueError):
    """A token file that cannot be used, or a token request that cannot be honoured; says what to do."""


@dataclass(frozen=True)
class Token:
    name: str
    scopes: frozenset[str]
    digest: str  # sha256 hex of the secret
    created_at: str = ""
    expires_at: float | None = None  # Unix time; None: never

    def expired(self, now: float | None = None) -> bool:
        return self.expires_at is not None and (now if now is not None else time.time()) >= self.expires_at


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def parse_scopes(text: str | Iterable[str]) -> frozenset[str]:
    """'animate,subscribe' -> the scopes, or a TokenFileError listing the valid ones."""
    items = [s.strip() for s in (text.split(",") if isinstance(text, str) else text) if s.strip()]
    unknown = sorted(set(items) - set(SCOPES))
    if unknown or not items:
        raise TokenFileError(f"scopes must be a comma-separated subset of {','.join(SCOPES)}; got {','.join(items) or 'none'}")
    return frozenset(items)


# ---------------------------------------------------------------------- the file


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).isoformat(timespec="seconds")


def read_token_file(path: str | Path) -> dict[str, Token]:
    """digest -> Token; a TokenFileError naming the file and the field otherwise."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise TokenFileError(f"no token file at {path}: create one with `talking-together token new {path} --name NAME --scope ...`") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TokenFileError(f"{path} is not a readable token file ({type(exc).__name__}: {exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        raise TokenFileError(f"{path} is not a {FORMAT} v{VERSION} file: make it with `talking-together token new`")
    tokens: dict[str, Token] = {}
    for k, entry in enumerate(data.get("tokens", [])):
        try:
            token = Token(
                name=str(entry["name"]),
                scopes=parse_scopes(entry["scopes"]),
                digest=str(entry["sha256"]).lower(),
                created_at=str(entry.get("created_at", "")),
                expires_at=datetime.fromisoformat(entry["expires_at"]).timestamp() if entry.get("expires_at") else None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise TokenFileError(f"{path}: token {k} is malformed ({type(exc).__name__}: {exc})") from None
        if not re.fullmatch(r"[0-9a-f]{64}", token.digest):
            raise TokenFileError(f"{path}: token {k} ({token.name}) has no valid sha256 digest")
        tokens[token.digest] = token
    return tokens


def _write_token_file(path: Path, tokens: Iterable[Token]) -> None:
    """Atomically, readable by its owner only: the digests are not secrets, but who holds which scope is."""
    entries = [
        {"name": t.name, "scopes": sorted(t.scopes), "sha256": t.digest, "created_at": t.created_at,
         "expires_at": _iso(t.expires_at) if t.expires_at is not None else None}
        for t in tokens
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"format": FORMAT, "version": VERSION, "tokens": entries}, f, indent=2)
        f.write("\n")
    tmp.replace(path)  # a server re-reading the file sees the old or the new one, never half


def new_token(path: str | Path, name: str, scopes: str | Iterable[str], expires_at: float | None = None) -> str:
    """Add a token to `path` (created if missing) and return its secret, which is stored nowhere."""
    path = Path(path)
    if not NAME.match(name):
        raise TokenFileError(f"token name {client_text(name)} must be 1-64 of letters, digits and _.@- (e.g. headset-1)")
    wanted = parse_scopes(scopes)
    existing = read_token_file(path) if path.exists() else {}
    if any(t.name == name for t in existing.values()):
        raise TokenFileError(f"{path} already has a token named {name!r}: revoke it (`talking-together token revoke`) or pick another name")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = Token(name, wanted, digest(secret), _iso(time.time()), expires_at)
    _write_token_file(path, [*existing.values(), token])
    return secret


def revoke_token(path: str | Path, name: str) -> None:
    """Remove the token called `name`; a running server stops accepting it at its next call."""
    path = Path(path)
    tokens = read_token_file(path)
    kept = [t for t in tokens.values() if t.name != name]
    if len(kept) == len(tokens):
        raise TokenFileError(f"{path} has no token named {client_text(name)}: see `talking-together token list {path}`")
    _write_token_file(path, kept)


class TokenStore:
    """The tokens a server accepts, re-read when the file changes (checked at most once per call) or on `reload()`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._stamp: tuple[int, int, int] | None = None
        self.tokens = read_token_file(self.path)  # at start-up a broken file stops the server
        self._stamp = self._stat()
        log.info("auth: %d token(s) from %s", len(self.tokens), self.path)

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size, st.st_ino

    def reload(self) -> None:
        """Re-read the file. Gone: no token is accepted (fail closed). Unreadable: keep the last good set, say so."""
        self._stamp = self._stat()
        if self._stamp is None:
            log.error("auth: token file %s is gone: refusing every token until it is back", self.path)
            self.tokens = {}
            return
        try:
            self.tokens = read_token_file(self.path)
        except TokenFileError as exc:
            log.error("auth: %s; keeping the %d token(s) loaded before", exc, len(self.tokens))
            return
        log.info("auth: reloaded %d token(s) from %s", len(self.tokens), self.path)

    def lookup(self, secret: str) -> Token | None:
        if self._stat() != self._stamp:
            self.reload()
        return self.tokens.get(digest(secret))


# ---------------------------------------------------------------------- failures per peer


def peer_address(peer: str) -> str:
    """'ipv4:10.0.0.7:53211' -> '10.0.0.7'; 'ipv6:[::1]:53211' -> '::1': failures count per address, not per connection."""
    peer = unquote(peer)
    kind, _, rest = peer.partition(":")
    if kind == "ipv4":
        return rest.rsplit(":", 1)[0]
    if kind == "ipv6":
        return rest.rsplit(":", 1)[0].strip("[]")
    return peer


class FailureLimiter:
    """Failed authentications per address in a fixed window, in a bounded table (memory does not grow with attackers)."""

    def __init__(self, limits: AuthLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._table: OrderedDict[str, tuple[float, int]] = OrderedDict()  # address -> (window start, failures)

    def retry_after(self, address: str) -> float:
        """Seconds until `address` may try again; 0 when it may now."""
        entry = self._table.get(address)
        if entry is None:
            return 0.0
        start, failures = entry
        left = start + self.limits.window_s - self.clock()
        if left <= 0:
            del self._table[address]
            return 0.0
        return left if failures >= self.limits.max_failures else 0.0

    def fail(self, address: str) -> int:
        """Count a failure; returns the address's failures in this window."""
        now = self.clock()
        start, failures = self._table.pop(address, (now, 0))
        if now - start >= self.limits.window_s:
            start, failures = now, 0
        self._table[address] = (start, failures + 1)
        while len(self._table) > self.limits.max_tracked_peers:
            self._table.popitem(last=False)
        return failures + 1


# ---------------------------------------------------------------------- the interceptor


def principal_suffix() -> str:
    """' token 'headset'' for a log record: the name of the token of the call being served (set by the
    interceptor in the call's context), or '' when the server runs without tokens."""
    name = _principal.get()
    return f" token {client_text(name)}" if name is not None else ""


class Denied(Exception):
    """A refused call: its status, its message (never the presented secret), and whether it counts as a failure."""

    def __init__(self, code: grpc.StatusCode, message: str, counts: bool) -> None:
        super().__init__(message)
        self.code, self.message, self.counts = code, message, counts


def required_scope(method: str) -> str | None:
    """The scope `method` needs; None for an open method (the health check)."""
    if method.startswith(OPEN_PREFIXES):
        return None
    if method in METHOD_SCOPES:
        return METHOD_SCOPES[method]
    for prefix, scope in PREFIX_SCOPES:
        if method.startswith(prefix):
            return scope
    return ""  # a registered method without a scope of its own: any valid token


class AuthInterceptor(grpc.aio.ServerInterceptor):
    """The one place tokens are checked. It wraps handlers rather than deciding here, because only the
    call's context knows the peer address that failures are counted against."""

    def __init__(self, store: TokenStore, limits: AuthLimits) -> None:
        self.store = store
        self.limiter = FailureLimiter(limits)
        self.failures = 0  # failed authentications checked so far (locked-out calls are not checked)

    async def intercept_service(
        self, continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]], details: grpc.HandlerCallDetails
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(details)
        scope = required_scope(details.method)
        if handler is None or scope is None:
            return handler
        metadata = tuple(details.invocation_metadata or ())
        return _wrap(handler, lambda context: self._admit(details.method, scope, metadata, context))

    async def _admit(self, method: str, scope: str, metadata: tuple, context: grpc.aio.ServicerContext) -> None:
        address = peer_address(context.peer() or "")
        try:
            token = self._check(method, scope, metadata, address)
        except Denied as denied:
            if denied.counts:
                self._failed(address, method, denied.message)
            await context.abort(denied.code, denied.message)
        _principal.set(token.name)

    def _check(self, method: str, scope: str, metadata: tuple, address: str) -> Token:
        wait = self.limiter.retry_after(address)
        if wait > 0:
            raise Denied(grpc.StatusCode.RESOURCE_EXHAUSTED,
                         f"too many failed authentications from {address}: retry in {wait:.0f} s with a valid token", counts=False)
        values = [v for k, v in metadata if k.lower() == "authorization"]
        if not values:
            raise Denied(grpc.StatusCode.UNAUTHENTICATED,
                         "this server needs a token: send call metadata 'authorization: Bearer TOKEN' "
                         "(talking-together client --token TOKEN); the operator makes one with `talking-together token new`", counts=True)
        value = values[0] if isinstance(values[0], str) else values[0].decode("utf-8", "replace")
        scheme, _, secret = value.strip().partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Denied(grpc.StatusCode.UNAUTHENTICATED, "the authorization metadata must be 'Bearer TOKEN'", counts=True)
        token = self.store.lookup(secret.strip())
        if token is None:
            raise Denied(grpc.StatusCode.UNAUTHENTICATED,
                         "the token is not valid on this server (mistyped or revoked): ask the operator for a new one", counts=True)
        if token.expired():
            raise Denied(grpc.StatusCode.UNAUTHENTICATED,
                         f"token {token.name!r} expired at {_iso(token.expires_at)}: ask the operator for a new one", counts=True)
        if scope and scope not in token.scopes:
            raise Denied(grpc.StatusCode.PERMISSION_DENIED,
                         f"token {token.name!r} lacks the {scope!r} scope that {method.rsplit('/', 1)[-1]} needs "
                         f"(it has {','.join(sorted(token.scopes))}): ask for a token with --scope {scope}", counts=False)
        return token

    def _failed(self, address: str, method: str, reason: str) -> None:
        """Count it; log the first failure of a window and the lockout, not every attempt (the log is not a second target)."""
        self.failures += 1
        count = self.limiter.fail(address)
        if count == 1:
            log.warning("auth: %s failed for %s: %s (further failures from it are counted, not logged)", address, method, reason.split(":")[0])
        elif count == self.limiter.limits.max_failures:
            log.warning("auth: %d failed authentications from %s within %g s: refusing it until the window ends",
                        count, address, self.limiter.limits.window_s)


def _wrap(handler: grpc.RpcMethodHandler, admit: Callable[[grpc.aio.ServicerContext], Awaitable[None]]) -> grpc.RpcMethodHandler:
    """The same handler, admitting the call first; the behaviour keeps its kind (unary or streaming response)."""
    if handler.unary_unary or handler.stream_unary:
        inner = handler.unary_unary or handler.stream_unary

        async def unary(request: object, context: grpc.aio.ServicerContext) -> object:
            await admit(context)
            result = inner(request, context)
            return await result if inspect.isawaitable(result) else result

        field = "unary_unary" if handler.unary_unary else "stream_unary"
        return handler._replace(**{field: unary})

    inner = handler.unary_stream or handler.stream_stream

    async def streaming(request: object, context: grpc.aio.ServicerContext):  # noqa: ANN202 (an async generator)
        await admit(context)
        result = inner(request, context)
        if hasattr(result, "__aiter__"):
            async for response in result:
                yield response
        elif inspect.isawaitable(result):  # a handler that writes with context.write
            await result
        else:
            for response in result:
                yield response

    field = "unary_stream" if handler.unary_stream else "stream_stream"
    return handler._replace(**{field: streaming})
