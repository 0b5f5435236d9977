"""A request that gets no response: say so after a while (the `response warning` setting).

Express leaves a request that nobody answers open until the client or a timeout gives up, with
no log at all; the usual causes are a handler that forgot `res.send(...)`, a middleware that
forgot `next()`, or a callback that never ran. With the app setting `"response warning"` set
to a number of seconds, a request that has sent nothing after that long is logged once, at
WARNING on the `expresspy` logger, with its method and route. Default: 10 seconds outside
production, off (None) in production, where a slow upstream is no bug and the access log
and the server's timeouts cover it. `app.set("response warning", None)` turns it off; any
positive number of seconds turns it on. A streaming response that has sent its headers counts
as answered.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

__all__ = ["DEVELOPMENT_DEFAULT", "SETTING", "Watch", "check_setting", "default_for"]

logger = logging.getLogger("expresspy")

SETTING = "response warning"
#: Seconds before a request without a response is reported, outside production.
DEVELOPMENT_DEFAULT = 10.0


def default_for(env: str) -> float | None:
    """The setting's default in the environment `env` ("production": off)."""
    return None if env == "production" else DEVELOPMENT_DEFAULT


class Watch:
    """The open requests of one app, checked only when the oldest one is due.

    Per request this costs a dict insert and a pop (no timer per request: arming and
    cancelling an asyncio timer for every request costs several times more); one timer,
    armed while requests are open, reports those past their time.
    """

    __slots__ = ("_loop", "_open", "_timer")

    def __init__(self) -> None:
        self._open: dict[int, tuple[float, float, Any, Any]] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(
        self, loop: asyncio.AbstractEventLoop, seconds: Any, req: Any, res: Any
    ) -> int | None:
        """Watch `req` for `seconds` (None/0: not at all); give the key to `stop`."""
        if not seconds:
            return None
        key = id(req)
        due = loop.time() + seconds
        self._open[key] = (due, seconds, req, res)
        if self._timer is None or self._loop is not loop:  # none armed, or on another loop
            self._arm(loop, due)
        return key

    def stop(self, key: int | None) -> None:
        """The request is over: forget it."""
        if key is not None:
            self._open.pop(key, None)

    def _arm(self, loop: asyncio.AbstractEventLoop, due: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._loop = loop
        self._timer = loop.call_at(due, self._sweep)

    def _sweep(self) -> None:
        loop, self._timer = self._loop, None
        assert loop is not None
        now = loop.time()
        for key, (due, seconds, req, res) in list(self._open.items()):
            if due <= now:
                del self._open[key]  # reported once
                _report(req, res, seconds)
        if self._open:
            self._arm(loop, min(entry[0] for entry in self._open.values()))


def check_setting(seconds: Any) -> None:
    """Refuse a value `app.set("response warning", ...)` cannot use (ValueError)."""
    if seconds is None or seconds is False:
        return
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds <= 0:
        raise ValueError(
            f'setting "{SETTING}" must be a positive number of seconds, or None '
            f"to turn it off; not {seconds!r}"
        )


def _report(req: Any, res: Any, seconds: float) -> None:
    if res.headers_sent or res.finished:
        return
    route = req.__dict__.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        path = str(req.original_url).split("?", 1)[0] or "/"
    logger.warning(
        "%s %s has had no response for %g s: does its handler call res.send(...) (or a "
        "middleware before it call next())? (app setting %r; None turns this off)",
        req.method,
        path,
        seconds,
        SETTING,
    )
