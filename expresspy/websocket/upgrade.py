"""An ASGI `websocket` connection through the app: the upgrade request walks the middleware
chain as a GET (express-ws's model, see `expresspy.websocket.route`), then the socket lives
until it closes.

What the walk can end in:

* a WebSocket route's handler ran: the handshake was completed there; the connection is
  served until it closes. An error passed on after that is logged and closes it with 1011.
* a middleware answered over HTTP (a 401 from an auth check, say), or nothing matched (404),
  or an error reached the end (500): that HTTP response is the answer to the upgrade, sent
  with the ASGI `websocket.http.response` extension when the server offers it; without it the
  server is asked to close before accepting, which ASGI servers answer with a 403.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

from expresspy.refcycle import release
from expresspy.request import Request
from expresspy.response import Response
from expresspy.router.route import DONE
from expresspy.runtime.dispatch import drive
from expresspy.runtime.next import Exchange
from expresspy.websocket.route import websocket_url
from expresspy.websocket.socket import CONNECTING, Receive, Send, WebSocket

if TYPE_CHECKING:
    from expresspy.application import Application

__all__ = ["DENIAL_EXTENSION", "serve_websocket"]

logger = logging.getLogger("expresspy.websocket")

#: The ASGI extension for answering an upgrade with an HTTP response instead of a 403.
DENIAL_EXTENSION = "websocket.http.response"


async def serve_websocket(
    app: Application, scope: MutableMapping[str, Any], receive: Receive, send: Send
) -> None:
    """Serve one ASGI `websocket` scope with `app` (see the module docstring)."""
    first = await receive()
    if first["type"] != "websocket.connect":  # the client left before the handshake
        return
    loop = asyncio.get_running_loop()
    app._sync.start()
    ws = WebSocket(scope, receive, send, app._sync.executor())
    req = Request(app, _as_http_scope(scope), receive, Exchange(loop))
    req.url = req.original_url = websocket_url(req.url)
    req.ws = ws
    req.ws_handled = req.wsHandled = False
    res = Response(app, req, _http_answer(scope, send), loop)
    req.res = res
    if app.settings.get("x-powered-by"):
        res.set_header("X-Powered-By", "Express")
    try:
        outcome = await drive(app.router.walk(req, res), req, res)
    except Exception as exc:  # a bug in middleware internals must still get an answer
        logger.exception("unhandled error while dispatching a WebSocket upgrade")
        outcome = exc
    if ws.ready_state == CONNECTING:
        await _refuse(app, req, res, outcome)
    else:
        if outcome is not DONE and isinstance(outcome, BaseException):
            logger.error("error in the WebSocket handler of %s", req.original_url, exc_info=outcome)
            ws.close(1011)
        ws.start_reading()
        await ws.wait_closed()
    release(req, res)


async def _refuse(app: Application, req: Request, res: Response, outcome: Any) -> None:
    """Answer the upgrade over HTTP: what a middleware sent, or the final handler's page."""
    if outcome is not DONE:
        app.respond_error(req, res, None if outcome == "router" else outcome)
    await res.complete()


def _as_http_scope(scope: MutableMapping[str, Any]) -> dict[str, Any]:
    """The upgrade as the GET request the middleware sees: method GET, scheme http(s)."""
    http_scope = dict(scope)
    http_scope["type"] = "http"
    http_scope["method"] = "GET"
    http_scope["scheme"] = "https" if scope.get("scheme") in ("wss", "https") else "http"
    http_scope["extensions"] = {}  # the HTTP extensions of a response body do not apply
    return http_scope


def _http_answer(scope: MutableMapping[str, Any], send: Send) -> Send:
    """The `send` an upgrade's HTTP response goes out through (see the module docstring)."""
    if DENIAL_EXTENSION in (scope.get("extensions") or {}):

        async def deny_with_response(message: dict[str, Any]) -> None:
            kind = message["type"]
            if kind in ("http.response.start", "http.response.body"):
                await send({**message, "type": "websocket." + kind})

        return deny_with_response

    async def deny_with_close(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            await send({"type": "websocket.close", "code": 1008, "reason": ""})

    return deny_with_close
