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

__all__ = ["DEVELOPMENT_DEFAULT", "SETTING", "check_setting", "default_for", "watch"]

logger = logging.getLogger("expresspy")

SETTING = "response warning"
#: Seconds before a request without a response is reported, outside production.
DEVELOPMENT_DEFAULT = 10.0


def default_for(env: str) -> float | None:
    """The setting's default in the environment `env` ("production": off)."""
    return None if env == "production" else DEVELOPMENT_DEFAULT


def watch(loop: asyncio.AbstractEventLoop, seconds: Any, req: Any, res: Any
          ) -> asyncio.TimerHandle | None:
    """Arm the report for `req` (cancel the handle once the request is over); None when the
    setting is off."""
    if not seconds:
        return None
    return loop.call_later(seconds, _report, req, res, seconds)


def check_setting(seconds: Any) -> None:
    """Refuse a value `app.set("response warning", ...)` cannot use (ValueError)."""
    if seconds is None or seconds is False:
        return
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds <= 0:
        raise ValueError(f'setting "{SETTING}" must be a positive number of seconds, or None '
                         f"to turn it off; not {seconds!r}")


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
        req.method, path, seconds, SETTING)
