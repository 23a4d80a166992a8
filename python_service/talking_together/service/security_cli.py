"""`talking-together certs` (a local CA and a server certificate) and `talking-together token` (new, list, revoke)."""

from __future__ import annotations

import argparse
import logging
import sys
import time

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    certs = subparsers.add_parser(
        "certs",
        help="make a local CA and a server certificate for TLS on a LAN",
        description="Write ca.pem, ca.key, server.pem and server.key to DIR. The server certificate names every "
        "--host (plus localhost and 127.0.0.1). An existing ca.pem + ca.key in DIR is reused, so clients that trust "
        "it keep trusting re-issued server certificates. Give ca.pem to clients (--tls-ca), keep the keys private.",
    )
    certs.add_argument("--out", required=True, metavar="DIR", help="where to write the files")
    certs.add_argument("--host", required=True, action="append", metavar="NAME_OR_IP",
                       help="an address or host name clients dial (repeat for several)")
    certs.add_argument("--client", action="append", default=[], metavar="NAME",
                       help="also write NAME.pem/NAME.key, a client certificate for mutual TLS (repeatable)")
    certs.add_argument("--days", type=int, default=825, help="validity of the issued certificates (default: %(default)s)")
    certs.set_defaults(func=run_certs)

    token = subparsers.add_parser(
        "token",
        help="manage the tokens `serve --tokens FILE` accepts",
        description="The file keeps each token's name, scopes and a SHA-256 of its secret; the secret is printed once, "
        "at creation. A running server picks up changes at once (and on SIGHUP).",
    )
    actions = token.add_subparsers(dest="action", metavar="ACTION", required=True)
    new = actions.add_parser("new", help="add a token and print its secret once")
    new.add_argument("file", metavar="FILE")
    new.add_argument("--name", required=True, help="who holds it, e.g. headset-1 (shown in the server's logs)")
    new.add_argument("--scope", required=True, help="comma-separated: animate, subscribe, record, info")
    new.add_argument("--expires-days", type=float, help="the token stops working after this many days (default: never)")
    new.set_defaults(func=run_token_new)
    listing = actions.add_parser("list", help="names, scopes and expiry (never secrets)")
    listing.add_argument("file", metavar="FILE")
    listing.set_defaults(func=run_token_list)
    revoke = actions.add_parser("revoke", help="remove a token by name")
    revoke.add_argument("file", metavar="FILE")
    revoke.add_argument("--name", required=True)
    revoke.set_defaults(func=run_token_revoke)


def run_certs(args: argparse.Namespace) -> int:
    from talking_together.service.tls import TLSConfigError, make_certs

    try:
        written = make_certs(args.out, args.host, args.client, args.days)
    except (TLSConfigError, OSError, ValueError) as exc:
        log.error("%s", exc)
        return 1
    for name, path in written.items():
        print(f"wrote {path}")
    print(f"serve:  talking-together serve --host 0.0.0.0 --tls-cert {written['server.pem']} --tls-key {written['server.key']} --tokens FILE")
    print(f"client: give {written['ca.pem']} to clients (--tls-ca); keep the .key files private")
    return 0


def run_token_new(args: argparse.Namespace) -> int:
    from talking_together.service.auth import TokenFileError, new_token

    expires = time.time() + args.expires_days * 86400 if args.expires_days is not None else None
    try:
        secret = new_token(args.file, args.name, args.scope, expires)
    except (TokenFileError, OSError) as exc:
        log.error("%s", exc)
        return 1
    print(secret)
    print(f"token {args.name!r} added to {args.file}; this secret is shown once, keep it (client: --token SECRET)", file=sys.stderr)
    return 0


def run_token_list(args: argparse.Namespace) -> int:
    from datetime import datetime, timezone

    from talking_together.service.auth import TokenFileError, read_token_file

    try:
        tokens = read_token_file(args.file)
    except TokenFileError as exc:
        log.error("%s", exc)
        return 1
    for t in tokens.values():
        expiry = datetime.fromtimestamp(t.expires_at, timezone.utc).isoformat(timespec="seconds") if t.expires_at else "never"
        print(f"{t.name}\t{','.join(sorted(t.scopes))}\tcreated {t.created_at or '?'}\texpires {expiry}{' (expired)' if t.expired() else ''}")
    return 0


def run_token_revoke(args: argparse.Namespace) -> int:
    from talking_together.service.auth import TokenFileError, revoke_token

    try:
        revoke_token(args.file, args.name)
    except (TokenFileError, OSError) as exc:
        log.error("%s", exc)
        return 1
    print(f"token {args.name!r} revoked; a running server refuses it from its next call")
    return 0
