"""The deadlines of one connection: which phase it is in, and one timer handle for all of them.

A connection is in one ``Phase`` at a time, each with its own deadline (``ServerConfig``):
the head must arrive within ``header_timeout`` of its first byte (or of connect); a body read
must follow the previous one within ``body_idle_timeout`` and the whole request arrive within
``request_timeout``; an idle keep-alive connection lives ``keep_alive_timeout``; a connection
lingering after an error answer, ``LINGER_SECONDS``.

Why one handle and lazy re-arming: a keep-alive connection changes phase twice per request and
a body stream reads many times a second. Cancelling and scheduling a TimerHandle each time costs
more than the rest of the bookkeeping, so ``arm`` only records the phase and its start and keeps
the pending handle whenever that fires no later than the new deadline; when it fires early it
re-arms itself for the remaining time. A long-lived keep-alive connection so schedules about one
handle per ``keep_alive_timeout``, not one per request.

The write side has its own watch (``WriteStallWatch``): it runs only while a response waits for
a client that does not read, whatever phase the read side is in.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from enum import IntEnum

from .config import ServerConfig

__all__ = [
    "BODY_PHASE",
    "HEAD_PHASE",
    "KEEP_ALIVE_PHASE",
    "LINGER_PHASE",
    "LINGER_SECONDS",
    "NO_PHASE",
    "Phase",
    "PhaseTimer",
    "WriteStallWatch",
]

LINGER_SECONDS = 2.0
"""How long a connection we answered with an error keeps reading (and dropping) what the
client still sends, so that the client reads our answer instead of a reset (RFC 9112 §9.6)."""


class Phase(IntEnum):
    """What a connection is waiting for (NONE: nothing is timed, e.g. the app is running)."""

    NONE = 0
    HEAD = 1
    BODY = 2
    KEEP_ALIVE = 3
    LINGER = 4


# The members as module constants, for the per-request paths: on Python 3.11 reading
# `Phase.BODY` costs about 1,000 instructions (a lookup on the enum class, with `==` between
# members going through int's comparison); a global read and `is` cost a tenth of that
# (docs/performance.md). A timer's phase is always one of these members.
NO_PHASE = Phase.NONE
HEAD_PHASE = Phase.HEAD
BODY_PHASE = Phase.BODY
KEEP_ALIVE_PHASE = Phase.KEEP_ALIVE
LINGER_PHASE = Phase.LINGER


class PhaseTimer:
    """Enforces the deadline of the current phase; calls ``on_expiry(phase)`` when it passes.

    Times are ``loop.time()`` seconds. ``on_expiry`` is called at most once per phase, with the
    phase already reset to NONE; it decides what to do (answer 408, close).
    """

    __slots__ = (
        "_at",
        "_config",
        "_durations",
        "_handle",
        "_loop",
        "_on_expiry",
        "_start",
        "last_read",
        "phase",
    )

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        config: ServerConfig,
        on_expiry: Callable[[Phase], object],
    ) -> None:
        self._loop = loop
        self._config = config
        self._on_expiry = on_expiry
        # Fixed durations by phase (BODY has two deadlines; see _deadline).
        self._durations = (
            float("inf"),
            config.header_timeout,
            config.request_timeout,
            config.keep_alive_timeout,
            LINGER_SECONDS,
        )
        self._handle: asyncio.TimerHandle | None = None
        self._at = 0.0  # when the pending handle fires
        self._start = 0.0
        self.phase = NO_PHASE
        self.last_read = 0.0
        """When the last body bytes arrived (``touch``)."""

    def arm(self, phase: Phase) -> None:
        """Enter ``phase`` now; its deadline counts from this moment."""
        now = self._loop.time()
        self.phase = phase
        self._start = self.last_read = now
        deadline = self._deadline() if phase is BODY_PHASE else now + self._durations[phase]
        handle = self._handle
        if handle is not None:
            if self._at <= deadline:
                return  # it fires first and re-arms itself for the rest
            handle.cancel()
        self._handle = self._loop.call_at(deadline, self._fire)
        self._at = deadline

    def touch(self) -> None:
        """Body bytes arrived: the idle deadline of BODY moves on (no timer work)."""
        self.last_read = self._loop.time()

    def disarm(self) -> None:
        """Stop timing (the request is read; the app is running)."""
        self.phase = NO_PHASE

    def cancel(self) -> None:
        """Drop the pending handle for good (the connection is closed)."""
        self.phase = NO_PHASE
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _deadline(self) -> float:
        phase = self.phase
        if phase is BODY_PHASE:
            idle = self.last_read + self._config.body_idle_timeout
            return min(idle, self._start + self._config.request_timeout)
        return self._start + self._durations[phase]

    def _fire(self) -> None:
        self._handle = None
        if self.phase is NO_PHASE:
            return
        deadline = self._deadline()
        if self._loop.time() < deadline:
            self._handle = self._loop.call_at(deadline, self._fire)
            self._at = deadline
            return
        phase, self.phase = self.phase, NO_PHASE
        self._on_expiry(phase)


class WriteStallWatch:
    """Calls ``on_stall()`` once the client has read nothing for ``timeout`` seconds.

    Started when the connection's write buffer goes over its high-water mark and stopped when
    it drains back under the low mark. ``sent()`` returns how many bytes the client has taken
    so far (any monotonic count); the watch looks at it every quarter of ``timeout``, so a
    stalled client is acted on between ``timeout`` and 1.25 x ``timeout`` after its last read.
    Costs nothing while the client keeps up (no handle is scheduled).
    """

    __slots__ = ("_handle", "_last", "_loop", "_on_stall", "_sent", "_since", "_timeout")

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        timeout: float,
        sent: Callable[[], int],
        on_stall: Callable[[], object],
    ) -> None:
        self._loop = loop
        self._timeout = timeout
        self._sent = sent
        self._on_stall = on_stall
        self._handle: asyncio.TimerHandle | None = None
        self._last = 0
        self._since = 0.0

    def start(self) -> None:
        """Begin watching (no-op when already watching)."""
        if self._handle is None:
            self._last = self._sent()
            self._since = self._loop.time()
            self._handle = self._loop.call_later(self._timeout / 4, self._check)

    def stop(self) -> None:
        """Stop watching: the client caught up or the connection closed."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _check(self) -> None:
        now = self._loop.time()
        sent = self._sent()
        if sent != self._last:
            self._last, self._since = sent, now
        elif now - self._since >= self._timeout:
            self._handle = None
            self._on_stall()
            return
        self._handle = self._loop.call_later(self._timeout / 4, self._check)
