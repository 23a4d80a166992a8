"""Client-supplied strings: one place that bounds them and one that makes them safe to log.

Whatever a client sends (a `client_name`, a layout prompt, a preset, an animator name) is
checked against a length limit before it is used, and reaches a log only through
`client_text`, which quotes, escapes and truncates it. A newline or a terminal escape in a
client's string therefore never starts a second log line, and a 1 MiB name costs one short record.
"""

from __future__ import annotations

DEFAULT_LOG_CHARS = 80  # enough to recognise a name or a prompt; no more


class ClientStringError(ValueError):
    """A client string over its limit; the message names the field, the size and the limit."""


def client_text(value: str, limit: int = DEFAULT_LOG_CHARS) -> str:
    """`value` quoted and escaped as Python's repr does (\\n, \\x1b, \\u202e...), cut to `limit` characters.

    repr escapes every character that `str.isprintable` rejects, which covers line and paragraph
    separators, control characters and bidi overrides: the result is always one printable line.
    """
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}...(+{len(value) - limit} chars)"


def check_length(value: str, field: str, limit: int) -> str:
    """`value` if at most `limit` characters, else a ClientStringError naming `field` (never echoing it all)."""
    if len(value) > limit:
        raise ClientStringError(f"{field} is {len(value)} characters long: the limit is {limit}, send a shorter one")
    return value
