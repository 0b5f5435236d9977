"""The app's side of the ASGI websocket protocol, driven message by message: what it sends
when the server offers no `websocket.http.response` extension, and express-ws's URL rewrite."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from expresspy import express
from expresspy.websocket.route import websocket_route_path, websocket_url


def scope(path: str, extensions: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"x")],
        "client": ("127.0.0.1", 1),
        "server": ("x", 80),
        "subprotocols": [],
        "extensions": extensions or {},
    }


async def talk(
    app: Any,
    path: str,
    incoming: list[dict[str, Any]],
    extensions: dict[str, Any] | None = None,
    leave_after: int = 0,
) -> list[dict[str, Any]]:
    """Run one connection: `incoming` are the client's events, the app's messages returned;
    the client leaves once the app sent `leave_after` messages (0: never by itself)."""
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for message in incoming:
        queue.put_nowait(message)
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if len(sent) == leave_after:
            queue.put_nowait({"type": "websocket.disconnect", "code": 1000})
        if message["type"] == "websocket.close":
            queue.put_nowait({"type": "websocket.disconnect", "code": message["code"]})

    await asyncio.wait_for(app(scope(path, extensions), queue.get, send), 5)
    return sent


def make_app() -> Any:
    app = express()

    def refuse(req: Any, res: Any) -> None:
        res.status(401).send("no")

    app.use("/private", refuse)

    @app.ws("/echo")
    async def echo(ws: Any, req: Any) -> None:
        async for message in ws:
            await ws.send(message)

    app.ws("/private", echo)
    return app


def test_refusal_without_the_extension_is_a_close_before_accept() -> None:
    sent = asyncio.run(talk(make_app(), "/private", [{"type": "websocket.connect"}]))
    assert sent == [{"type": "websocket.close", "code": 1008, "reason": ""}]


def test_refusal_with_the_extension_is_the_http_response() -> None:
    sent = asyncio.run(
        talk(
            make_app(), "/private", [{"type": "websocket.connect"}], {"websocket.http.response": {}}
        )
    )
    assert sent[0]["type"] == "websocket.http.response.start"
    assert sent[0]["status"] == 401
    assert sent[-1] == {"type": "websocket.http.response.body", "body": b"no", "more_body": False}


def test_echo_until_the_client_leaves() -> None:
    sent = asyncio.run(
        talk(
            make_app(),
            "/echo",
            [
                {"type": "websocket.connect"},
                {"type": "websocket.receive", "text": "a"},
                {"type": "websocket.receive", "bytes": b"b"},
            ],
            leave_after=3,
        )
    )
    assert sent == [
        {"type": "websocket.accept", "subprotocol": None},
        {"type": "websocket.send", "text": "a"},
        {"type": "websocket.send", "bytes": b"b"},
    ]


def test_a_client_gone_before_the_handshake_runs_nothing() -> None:
    assert asyncio.run(talk(make_app(), "/echo", [{"type": "websocket.disconnect"}])) == []


@pytest.mark.parametrize(
    ("url", "rewritten"),
    [
        ("/chat", "/chat/.websocket"),
        ("/chat/", "/chat/.websocket"),
        ("/", "/.websocket"),
        ("/chat?a=1&b=?", "/chat/.websocket?a=1&b=?"),
    ],
)
def test_websocket_url_is_express_ws_rewrite(url: str, rewritten: str) -> None:
    assert websocket_url(url) == rewritten


def test_ws_paths_must_be_strings() -> None:
    import re

    assert websocket_route_path(["/a", "/b/"]) == ["/a/.websocket", "/b/.websocket"]
    with pytest.raises(TypeError, match="string path"):
        websocket_route_path(re.compile("/x"))
    app = express()
    with pytest.raises(TypeError, match="requires a handler"):
        app.ws("/x", [])


def test_node_send_callback_close_codes_and_sends_after_close() -> None:
    seen: list[Any] = []
    app = express()

    @app.ws("/cb")
    def node_style(ws: Any, req: Any) -> None:  # a plain def: runs in the app's thread pool
        def on_message(data: Any) -> None:
            ws.send("got " + data, lambda err: seen.append(("sent", err)))
            try:
                ws.close(1005)  # reserved: Node ws refuses it too
            except TypeError as err:
                seen.append(("refused", str(err)))
            ws.close(4000, "done")
            ws.send("too late", lambda err: seen.append(("late", type(err).__name__)))

        ws.on("message", on_message)
        ws.on("close", lambda code, reason: seen.append(("close", code, reason)))

    sent = asyncio.run(
        talk(
            app, "/cb", [{"type": "websocket.connect"}, {"type": "websocket.receive", "text": "x"}]
        )
    )
    assert sent == [
        {"type": "websocket.accept", "subprotocol": None},
        {"type": "websocket.send", "text": "got x"},
        {"type": "websocket.close", "code": 4000, "reason": "done"},
    ]
    # The send made after close() fails, the one before succeeds once written. The callbacks
    # run in a worker thread (the listener called from one: expresspy.callbacks), so their
    # order against each other, the "close" event and the refusal is not fixed.
    assert sorted(seen, key=str) == [
        ("close", 4000, ""),
        ("late", "WebSocketClosed"),
        ("refused", "First argument must be a valid error code number"),
        ("sent", None),
    ]


def test_ws_routes_of_a_mounted_sub_app_and_a_plain_get_route_before_them() -> None:
    app, sub = express(), express()

    @sub.ws("/feed")
    async def feed(ws: Any, req: Any) -> None:
        await ws.send(f"{req.app is sub} {req.base_url} {req.original_url}")
        await ws.close()

    app.use("/sub", sub)
    app.get("/blocked/.websocket", lambda req, res: res.status(418).send("teapot"))
    app.ws("/blocked", feed)
    sent = asyncio.run(talk(app, "/sub/feed", [{"type": "websocket.connect"}]))
    assert sent[1] == {"type": "websocket.send", "text": "True /sub /sub/feed/.websocket"}
    # A GET route at the rewritten path answers first, as it would under express-ws.
    refused = asyncio.run(
        talk(app, "/blocked", [{"type": "websocket.connect"}], {"websocket.http.response": {}})
    )
    assert refused[0]["status"] == 418
