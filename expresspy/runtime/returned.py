"""A handler that returns a value and sends nothing: warn, once per handler.

Flask and FastAPI send what a view returns; Express ignores it, and so does expresspy (the
request stays open until `res.send(...)`, `next()` or a timeout). Porting that habit would
otherwise hang the request without a word, so dispatch reports it here, through the
`expresspy` logger at WARNING (what servers show by default, under any ASGI server), once per
handler: the handler's name, its route, the value and the fix. Returning what `res.send()`
returns (`return res.send("x")`) is fine: the response was sent, nothing is reported.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

from expresspy.runtime.handler import Handler

__all__ = ["warn_returned_value"]

logger = logging.getLogger("expresspy")

_warned: weakref.WeakSet[Handler] = weakref.WeakSet()


def warn_returned_value(handler: Handler, req: Any, value: object) -> None:
    """Log (once per handler) that `handler` returned `value` without answering `req`."""
    if value is None or handler in _warned:
        return
    _warned.add(handler)
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    fix = "res.json(...)" if isinstance(value, (dict, list)) else "res.send(...)"
    logger.warning(
        "handler %r for %s %s returned %s but sent no response; expresspy (like Express) "
        "ignores return values and the request waits: send it with %s, or call next()",
        handler.name,
        getattr(req, "method", "?"),
        _route_of(req),
        shown,
        fix,
    )


def _route_of(req: Any) -> str:
    """The route's path (`/users/:id`), else the URL's path (for `app.use` middleware)."""
    route = req.__dict__.get("route") if hasattr(req, "__dict__") else None
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    url = str(getattr(req, "original_url", "") or "")
    return url.split("?", 1)[0] or "/"
