"""Options and units: the one place where option names and durations are read.

* **Names.** Every factory takes snake_case keywords, and also one dict with the npm package's
  camelCase keys, so `express.json({"limit": "1mb", "defaultCharset": "utf-8"})` copied from
  JavaScript works (:func:`gather`, :func:`snake`). Unknown option names raise `TypeError` (a
  misspelt option silently ignored is a misconfiguration; see STYLE principle 6).
* **Sizes** accept ints (bytes) and "1mb"-style strings as the npm package `bytes` parses them
  (:func:`parse_bytes`).
* **Durations**: `max_age`-style Python names are seconds, `maxAge`-style npm names are
  milliseconds, a `timedelta` is accepted for both (:func:`duration_ms`; docs/design.md,
  Units). The npm package `ms`'s "1d"-style strings, which `send` reads leniently, are
  :func:`ms_string`; `expresspy.send.parse_duration_ms` is send's policy over both.
"""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable, Collection, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal, overload

from expresspy.types import Next

if TYPE_CHECKING:
    from expresspy.request import Request
    from expresspy.response import Response

__all__ = [
    "MS_UNITS",
    "Middleware",
    "camel",
    "duration_ms",
    "gather",
    "ms_string",
    "option_name",
    "parse_bytes",
    "snake",
]

#: What every built-in middleware factory returns: an `async def mw(req, res, next)`
#: (narrower than :data:`expresspy.types.Middleware`, which also admits plain functions).
Middleware = Callable[["Request", "Response", Next], Awaitable[None]]

# Units of the npm package `bytes`: powers of 1024, matched case-insensitively.
_BYTE_UNITS = {"b": 1, "kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30, "tb": 1 << 40, "pb": 1 << 50}
_BYTES = re.compile(r"([-+]?\d+(?:\.\d+)?) *(kb|mb|gb|tb|pb)", re.IGNORECASE)
_LEADING_INT = re.compile(r"\s*([-+]?\d+)")

# The npm package `ms`: a number and an optional unit ("1d", "2 hours", ".5h", "500").
_MS_STRING = re.compile(r"(-?(?:\d+)?\.?\d+) *([a-z]+)?", re.IGNORECASE)
#: The units of the npm package `ms`, in milliseconds.
MS_UNITS: dict[str, float] = {
    **dict.fromkeys(("years", "year", "yrs", "yr", "y"), 365.25 * 86_400_000),
    **dict.fromkeys(("weeks", "week", "w"), 7 * 86_400_000),
    **dict.fromkeys(("days", "day", "d"), 86_400_000),
    **dict.fromkeys(("hours", "hour", "hrs", "hr", "h"), 3_600_000),
    **dict.fromkeys(("minutes", "minute", "mins", "min", "m"), 60_000),
    **dict.fromkeys(("seconds", "second", "secs", "sec", "s"), 1000),
    **dict.fromkeys(("milliseconds", "millisecond", "msecs", "msec", "ms"), 1),
}
_NOT_A_DURATION = "{name} must be a number or a timedelta, not {value!r}"

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


def gather(
    owner: str,
    given: Mapping[str, Any] | None,
    keywords: Mapping[str, Any],
    defaults: Mapping[str, Any],
) -> dict[str, Any]:
    """Merge a camelCase dict and snake_case keywords over `defaults`.

    Keys are normalised to snake_case; a key not in `defaults` raises `TypeError` naming
    `owner` and the known options. The camelCase `maxAge`/`maxage` is kept apart as
    `max_age_ms` when `defaults` has that key, because it is milliseconds where `max_age` is
    seconds (docs/design.md, Units).
    """
    merged = dict(defaults)
    items = list((given or {}).items()) + list(keywords.items())
    for key, value in items:
        name = (
            "max_age_ms" if key in ("maxAge", "maxage") and "max_age_ms" in defaults else snake(key)
        )
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


@overload
def duration_ms(
    value: float | timedelta | None,
    *,
    unit_ms: float,
    name: str = ...,
    invalid: str = ...,
    whole: Literal[True] = ...,
) -> int | None: ...
@overload
def duration_ms(
    value: float | timedelta | None,
    *,
    unit_ms: float,
    name: str = ...,
    invalid: str = ...,
    whole: Literal[False],
) -> float | None: ...


def duration_ms(
    value: float | timedelta | None,
    *,
    unit_ms: float,
    name: str = "a duration",
    invalid: str = _NOT_A_DURATION,
    whole: bool = True,
) -> int | float | None:
    """Convert a duration to milliseconds; ``unit_ms`` is 1000 for seconds, 1 for ms.

    Raises ``TypeError`` for anything but a number or a timedelta, worded by ``invalid`` (a
    format string given ``name`` and ``value``, so each caller keeps the message its npm
    package gives). With ``whole`` (the default) the result is whole milliseconds, truncated,
    and infinity or NaN raise ``ValueError`` (for no expiry, pass ``None``); with
    ``whole=False`` it is the exact float and a non-finite value is returned for the caller's
    own policy (send clamps it, res.cookie lets the date arithmetic refuse it).
    """
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value // timedelta(milliseconds=1) if whole else value / timedelta(milliseconds=1)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(invalid.format(name=name, value=value))
    if not whole:
        return float(value) * unit_ms
    if not math.isfinite(value):
        raise ValueError(
            f"{name} must be a finite number, not {value!r} "
            "(pass None for a cookie without an expiry)"
        )
    return int(value * unit_ms)


def ms_string(text: str) -> float | None:
    """Milliseconds from a string as the npm package `ms` reads it ("1d", "2 hours", "500"
    is 500 ms); None when it is not one."""
    found = _MS_STRING.fullmatch(text.strip())
    factor = MS_UNITS.get((found.group(2) or "ms").lower()) if found else None
    return float(found.group(1)) * factor if found and factor is not None else None
