"""Option handling shared by the built-in middleware.

Every middleware takes snake_case keywords, and also one dict with the npm package's camelCase
keys, so `express.json({"limit": "1mb", "defaultCharset": "utf-8"})` copied from JavaScript
works. Unknown option names raise `TypeError` (a misspelt option silently ignored is a
misconfiguration; see STYLE principle 6). Sizes accept ints (bytes) and "1mb"-style strings as
the npm package `bytes` parses them. (Durations are parsed by `expresspy.send`.)
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from expresspy.types import Next

if TYPE_CHECKING:
    from expresspy.request import Request
    from expresspy.response import Response

#: What every built-in middleware factory returns: an `async def mw(req, res, next)`
#: (narrower than :data:`expresspy.types.Middleware`, which also admits plain functions).
Middleware = Callable[["Request", "Response", Next], Awaitable[None]]

# Units of the npm package `bytes`: powers of 1024, matched case-insensitively.
_BYTE_UNITS = {"b": 1, "kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30, "tb": 1 << 40, "pb": 1 << 50}
_BYTES = re.compile(r"([-+]?\d+(?:\.\d+)?) *(kb|mb|gb|tb|pb)", re.IGNORECASE)
_LEADING_INT = re.compile(r"\s*([-+]?\d+)")

_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake(name: str) -> str:
    """`defaultCharset` → `default_charset`; snake_case names are returned unchanged."""
    return _CAMEL.sub(lambda m: "_" + m.group(1).lower(), name)


def gather(owner: str, given: Mapping[str, Any] | None, keywords: Mapping[str, Any],
           defaults: Mapping[str, Any]) -> dict[str, Any]:
    """Merge a camelCase dict and snake_case keywords over `defaults`.

    Keys are normalised to snake_case; a key not in `defaults` raises `TypeError` naming
    `owner` and the known options. The camelCase `maxAge`/`maxage` is kept apart as
    `max_age_ms` when `defaults` has that key, because it is milliseconds where `max_age` is
    seconds (docs/design.md, Units).
    """
    merged = dict(defaults)
    items = list((given or {}).items()) + list(keywords.items())
    for key, value in items:
        name = "max_age_ms" if key in ("maxAge", "maxage") and "max_age_ms" in defaults \
            else snake(key)
        if name not in defaults:
            known = ", ".join(sorted(k for k in defaults if not k.startswith("_")))
            raise TypeError(f"{owner}: unknown option {key!r} (known: {known})")
        merged[name] = value
    return merged


def parse_bytes(value: int | float | str | None, default: int, name: str = "limit") -> int:
    """A size in bytes from an int or a `bytes`-style string ("100kb", "1.5mb", "2048").

    None gives `default`. An unparseable value raises `ValueError` rather than disabling the
    limit (body-parser 2.3.0 fixed exactly that bug, GHSA-v422-hmwv-36x6).
    """
    if value is None:
        return default
    if isinstance(value, bool):
        raise ValueError(f'option {name} "{value}" is invalid')
    if isinstance(value, (int, float)):
        if value != value or value < 0:  # NaN or negative
            raise ValueError(f'option {name} "{value}" is invalid')
        return int(value)
    if isinstance(value, str):
        match = _BYTES.fullmatch(value.strip())
        if match:
            return int(float(match.group(1)) * _BYTE_UNITS[match.group(2).lower()])
        whole = _LEADING_INT.match(value)
        if whole:
            return int(whole.group(1))
    raise ValueError(f'option {name} "{value}" is invalid')
