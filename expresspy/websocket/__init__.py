"""WebSockets with the app's middleware and session: `app.ws(path, handler)` as express-ws
gives it, on any ASGI server (see docs/websockets.md).

`WebSocket` is the `ws` object handlers receive; `WebSocketClosed` is what reading from (or
awaiting a send on) a closed one raises; `WebSocketProtocolError` is what `ws.on("error", fn)`
receives when the client broke the protocol (built-in server).
"""

from expresspy.websocket.socket import (
    CLOSED,
    CLOSING,
    CONNECTING,
    OPEN,
    WebSocket,
    WebSocketClosed,
    WebSocketProtocolError,
)

__all__ = [
    "CLOSED",
    "CLOSING",
    "CONNECTING",
    "OPEN",
    "WebSocket",
    "WebSocketClosed",
    "WebSocketProtocolError",
]
