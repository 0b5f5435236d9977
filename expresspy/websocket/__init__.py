"""WebSockets with the app's middleware and session: `app.ws(path, handler)` as express-ws
gives it, on any ASGI server (see docs/websockets.md).

`WebSocket` is the `ws` object handlers receive; `WebSocketClosed` is what reading from (or
awaiting a send on) a closed one raises.
"""

from expresspy.websocket.socket import (
    CLOSED,
    CLOSING,
    CONNECTING,
    OPEN,
    WebSocket,
    WebSocketClosed,
)

__all__ = ["CLOSED", "CLOSING", "CONNECTING", "OPEN", "WebSocket", "WebSocketClosed"]
