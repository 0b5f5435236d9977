"""`app.ws(path, handler)` / `router.ws(...)`: express-ws's routes.

As in express-ws 5, a WebSocket route is a GET route at `path + "/.websocket"` whose handlers
run only for WebSocket upgrades: the upgrade request gets its URL rewritten the same way
(`websocket_url`) and then walks the app's whole stack as a GET, so `app.use` middleware,
mounted routers, `param` callbacks, cookie_parser and session all run first, and a plain GET
to the same path never reaches a WebSocket handler. A handler is called as
`handler(ws, req)` or `handler(ws, req, next)`, sync or async.
"""

from __future__ import annotations

import asyncio
import contextvars
import re
from collections.abc import Callable
from typing import Any

from expresspy.runtime.handler import Handler, flatten_handlers
from expresspy.websocket.socket import CONNECTING, WebSocket

__all__ = ["websocket_route_path", "websocket_url", "wrap_websocket_handler"]

#: The path suffix express-ws routes WebSocket upgrades by.
SUFFIX = ".websocket"


def websocket_url(url: str) -> str:
    """express-ws's rewrite of an upgrade's URL: "/chat?x=1" -> "/chat/.websocket?x=1"."""
    path, question, query = url.partition("?")
    if not path.endswith("/"):
        path += "/"
    return path + SUFFIX + question + query


def websocket_route_path(path: Any) -> Any:
    """The GET route path a `ws(path, ...)` registration uses (a list maps item by item)."""
    if isinstance(path, str):
        return websocket_url(path)
    if isinstance(path, (list, tuple)):
        return [websocket_route_path(item) for item in path]
    if isinstance(path, re.Pattern):
        raise TypeError(
            "app.ws() takes a string path (or a list of them), as express-ws does; "
            "a regular expression cannot be given the /.websocket suffix"
        )
    raise TypeError(f"app.ws() path must be a string, not {type(path).__name__}")


def wrap_websocket_handlers(handlers: tuple[Any, ...]) -> tuple[Any, ...]:
    """Each handler of a `ws()` registration as GET-route middleware (see the module doc)."""
    fns = flatten_handlers(handlers)
    if not fns:
        raise TypeError("app.ws() requires a handler function")
    return tuple(wrap_websocket_handler(fn) for fn in fns)


def wrap_websocket_handler(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn(ws, req[, next])` as route middleware `(req, res, next)`: outside an upgrade it
    passes the request on; in one it completes the handshake (the first WebSocket handler
    reached does), marks the upgrade handled and calls `fn`. A plain `def` runs where the app
    runs sync handlers (its thread pool by default). The socket stays open when `fn` returns
    (close it with `ws.close()`), as in express-ws."""
    if not callable(fn):
        raise TypeError("argument handler must be a function")
    handler = Handler(fn)

    async def websocket_route(req: Any, res: Any, next: Callable[..., None]) -> None:
        ws: WebSocket | None = req.__dict__.get("ws")
        if ws is None:
            next()
            return
        req.ws_handled = req.wsHandled = True
        if ws.ready_state == CONNECTING:
            await accept_upgrade(ws, req, res)
        args = (ws, req, next)[: handler.arity]
        try:
            if handler.is_async:
                await handler.fn(*args)
            else:
                await _run_sync(req, handler.fn, args)
        finally:
            ws.start_reading()

    websocket_route.__name__ = handler.name
    return websocket_route


async def accept_upgrade(ws: WebSocket, req: Any, res: Any) -> None:
    """Complete the handshake, choosing the client's first subprotocol (Node ws's default),
    and mark the upgrade's response as sent (the 101 is its response): nothing after this can
    answer it over HTTP, and the walk ends when the handler returns without calling next."""
    offered = ws.scope.get("subprotocols") or []
    await ws.accept(offered[0] if offered else None)
    res.status_code = 101
    res.headers_sent = True
    res.finished = True
    req._exchange.trigger()


async def _run_sync(req: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    executor = req.app._sync.executor()
    if executor is None:
        fn(*args)
        return
    context = contextvars.copy_context()
    await asyncio.get_running_loop().run_in_executor(executor, context.run, fn, *args)
