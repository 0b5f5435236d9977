"""Options and units: the one place where option names and durations are read.

* **Names.** Every factory takes snake_case keywords, and also one dict with the npm package's
  camelCase keys, so `express.json({"limit": "1mb", "defaultCharset": "utf-8"})` copied from
  JavaScript works (:func:`gather`, :func:`snake`). Unknown option names raise `TypeError` (a
  misspelt option silently ignored is a misconfiguration; see STYLE principle 6).
* **Sizes** accept ints (bytes) and "1mb"-style strings as the npm package `bytes` parses them
  (:func:`parse_bytes`).
* **Durations**: `max_age`-style Python names are seconds, `maxAge`-style npm names are
  milliseconds, a `timedelta` is accepted for both (:func:`duration_ms`; docs/design.md,
  Units). `send`'s lenient reading of "1d"-style strings is `expresspy.send.parse_duration_ms`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable, Collection, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from expresspy.types import Next

if TYPE_CHECKING:
    from expresspy.request import Request
    from expresspy.response import Response

__all__ = ["Middleware", "camel", "duration_ms", "gather", "option_name", "parse_bytes", "snake"]

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


def camel(name: str) -> str:
    """`default_charset` → `defaultCharset`: the npm spelling of a Python option name."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def option_name(key: str, known: Collection[str]) -> str | None:
    """The Python name of option `key` (itself, or the snake_case form of an npm camelCase
    key) when it is one of `known`; None for an unknown option."""
    if key in known:
        return key
    name = snake(key)
    return name if name in known else None


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


def duration_ms(
    value: float | timedelta | None, *, unit_ms: int, name: str = "a duration"
) -> int | None:
    """Convert a duration to whole milliseconds; ``unit_ms`` is 1000 for seconds, 1 for ms.

    Raises ``TypeError`` naming ``name`` for anything but a number or a timedelta, and
    ``ValueError`` for infinity or NaN (for no expiry, pass ``None``).
    """
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value // timedelta(milliseconds=1)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number or a timedelta, not {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r} "
                         "(pass None for a cookie without an expiry)")
    return int(value * unit_ms)
