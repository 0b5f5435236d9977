"""The response headers of express-rate-limit 7: legacy X-RateLimit-*, the IETF drafts 6, 7 and 8
(RateLimit-Policy / RateLimit...), and Retry-After. Pure functions of the limiter's numbers.

Reset values are whole seconds, rounded up, never negative. Legacy X-RateLimit-Reset is the
window's end in Unix seconds; the standard headers give seconds from now.
"""

from __future__ import annotations

import base64
import hashlib
import math
import time
from datetime import datetime
from typing import Any

__all__ = ["legacy_headers", "retry_after", "standard_headers"]


def js_number(value: float) -> str:
    """A number as JavaScript prints it (60.0 → "60", 1.5 → "1.5")."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def reset_seconds(reset_time: datetime | None, window_ms: float | None = None) -> int | None:
    """Seconds until `reset_time` (rounded up, at least 0); else the window's length in
    seconds when `window_ms` is given; else None."""
    if reset_time is not None:
        return max(0, math.ceil((reset_time.timestamp() * 1000 - time.time() * 1000) / 1000))
    if window_ms:
        return math.ceil(window_ms / 1000)
    return None


def partition_key(key: str) -> str:
    """draft-8's `pk`: base64 of the first 12 hex digits of SHA-256(key), as express-rate-limit
    computes it (the key itself is never shown)."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return base64.b64encode(digest.encode()).decode()


def legacy_headers(res: Any, info: Any) -> None:
    """X-RateLimit-Limit, -Remaining and (with a reset time) -Reset in Unix seconds.

    express-rate-limit also sets `Date` here, to the current time; the server's own Date header
    already says exactly that, so it is not set twice.
    """
    if res.headers_sent:
        return
    res.set_header("X-RateLimit-Limit", str(info["limit"]))
    res.set_header("X-RateLimit-Remaining", str(info["remaining"]))
    reset_time = info["resetTime"]
    if isinstance(reset_time, datetime):
        res.set_header("X-RateLimit-Reset", str(math.ceil(reset_time.timestamp())))


def _draft6(res: Any, info: Any, window_ms: float) -> None:
    seconds = reset_seconds(info["resetTime"])
    res.set_header("RateLimit-Policy", f"{info['limit']};w={math.ceil(window_ms / 1000)}")
    res.set_header("RateLimit-Limit", str(info["limit"]))
    res.set_header("RateLimit-Remaining", str(info["remaining"]))
    if seconds:
        res.set_header("RateLimit-Reset", str(seconds))


def _draft7(res: Any, info: Any, window_ms: float) -> None:
    seconds = reset_seconds(info["resetTime"], window_ms)
    res.set_header("RateLimit-Policy", f"{info['limit']};w={math.ceil(window_ms / 1000)}")
    res.set_header(
        "RateLimit", f"limit={info['limit']}, remaining={info['remaining']}, reset={seconds}"
    )


def _draft8(res: Any, info: Any, window_ms: float, name: str, key: str) -> None:
    seconds = reset_seconds(info["resetTime"], window_ms)
    policy = f"q={info['limit']}; w={math.ceil(window_ms / 1000)}; pk=:{partition_key(key)}:"
    res.append("RateLimit-Policy", f'"{name}"; {policy}')
    res.append("RateLimit", f'"{name}"; r={info["remaining"]}; t={seconds}')


def standard_headers(
    res: Any, info: Any, draft: str, window_ms: float, name: str = "", key: str = ""
) -> None:
    """The RateLimit headers of one draft ("draft-6", "draft-7" or "draft-8")."""
    if res.headers_sent:
        return
    if draft == "draft-6":
        _draft6(res, info, window_ms)
    elif draft == "draft-7":
        _draft7(res, info, window_ms)
    elif draft == "draft-8":
        _draft8(res, info, window_ms, name, key)


def retry_after(res: Any, info: Any, window_ms: float) -> None:
    """Retry-After in seconds, on a blocked request."""
    if not res.headers_sent:
        res.set_header("Retry-After", str(reset_seconds(info["resetTime"], window_ms)))
