"""Server-enforced session lifetimes: an absolute limit and an idle timeout.

The cookie's ``Expires`` is a request to the browser; a stolen cookie ignores it. With
``absolute_timeout`` and/or ``idle_timeout`` (seconds) the middleware keeps, in each record's
metadata (``META_KEY``), when the session was created and when it was last used, and treats a
session past either limit as gone: the record is deleted and the request gets a new session.

The last-use time is written back only when it is older than ``idle_timeout / 20``, so the
idle timeout is enforced to within 5 % without a write on every request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Lifetime"]

#: The idle timeout is enforced to within 1/IDLE_PRECISION of itself (module docstring).
IDLE_PRECISION = 20


@dataclass(frozen=True)
class Lifetime:
    """The two server-side limits, in ms (``None``: no limit)."""

    absolute_ms: int | None = None
    idle_ms: int | None = None
    #: True when either limit is set (only then do records carry metadata). A field, not a
    #: property: every session request reads it.
    enabled: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        enabled = self.absolute_ms is not None or self.idle_ms is not None
        object.__setattr__(self, "enabled", enabled)  # frozen: set once, here

    def new_meta(self, now: int) -> dict[str, int] | None:
        """The metadata of a session created at ``now`` (ms), or None when not enforced."""
        return {"created": now, "accessed": now} if self.enabled else None

    def expired(self, meta: Mapping[str, Any] | None, now: int) -> bool:
        """True when a stored session with ``meta`` is past a limit at ``now`` (ms).

        A record without metadata (written before the limits were enabled, or by a Node app)
        counts from ``now``: it is not expired, and gets metadata when next written.
        """
        if not self.enabled or not isinstance(meta, Mapping):
            return False
        created, accessed = meta.get("created"), meta.get("accessed")
        absolute = self.absolute_ms
        if absolute is not None and isinstance(created, int) and now - created >= absolute:
            return True
        if self.idle_ms is not None and isinstance(accessed, int):
            return now - accessed >= self.idle_ms
        return False

    def adopt(self, meta: Mapping[str, Any] | None, now: int) -> dict[str, int] | None:
        """The metadata to keep for a loaded session (filled in when missing or malformed)."""
        if not self.enabled:
            return None
        fresh = self.new_meta(now) or {}
        if isinstance(meta, Mapping):
            for key in ("created", "accessed"):
                if isinstance(meta.get(key), int):
                    fresh[key] = int(meta[key])
        return fresh

    def needs_refresh(self, meta: Mapping[str, Any] | None, now: int) -> bool:
        """True when the last-use time should be written back (idle timeout only)."""
        if self.idle_ms is None or not isinstance(meta, Mapping):
            return False
        accessed = meta.get("accessed")
        if not isinstance(accessed, int):
            return True
        return now - accessed >= self.idle_ms // IDLE_PRECISION
