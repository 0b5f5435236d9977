"""`app.ws()` over real servers, with the `websockets` client library: express-ws's routing,
the middleware chain at the upgrade, refusals, both handler styles, and the session."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.acceptance.serving import ExpresspyRun


def ws_url(run: ExpresspyRun, path: str) -> str:
    return "ws" + run.url[len("http") :] + path


def http(
    run: ExpresspyRun,
    method: str,
    path: str,
    data: dict[str, str] | None = None,
    cookie: str | None = None,
) -> tuple[int, str, str | None]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(run.url + path, data=body, method=method)
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(), response.headers.get("Set-Cookie")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(), err.headers.get("Set-Cookie")


def login(run: ExpresspyRun, user: str) -> str:
    status, text, set_cookie = http(run, "POST", "/login", {"user": user})
    assert (status, text) == (200, "hello " + user)
    assert set_cookie is not None
    return set_cookie.split(";", 1)[0]


def run_async(coroutine: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 20))


def test_node_style_echo_keeps_frame_types(served: ExpresspyRun) -> None:
    async def scenario() -> list[Any]:
        async with connect(ws_url(served, "/echo")) as ws:
            await ws.send("hi")
            text = await ws.recv()
            await ws.send(b"\x00\xffbin")
            binary = await ws.recv()
            return [text, binary]

    assert run_async(scenario()) == ["hi", b"\x00\xffbin"]


def test_plain_get_to_a_ws_path_reaches_the_get_route(served: ExpresspyRun) -> None:
    assert http(served, "GET", "/echo")[:2] == (200, "a plain GET, not the WebSocket route")
    # The GET route express-ws registers at /echo/.websocket never answers plain HTTP.
    assert http(served, "GET", "/echo/.websocket")[0] == 404


def test_pythonic_iteration_and_close_code(served: ExpresspyRun) -> None:
    async def scenario() -> tuple[list[Any], int | None, str | None]:
        async with connect(ws_url(served, "/py")) as ws:
            replies = []
            for message in ("one", "two"):
                await ws.send(message)
                replies.append(await ws.recv())
            await ws.send("close-me")
            with pytest.raises(ConnectionClosed):
                await ws.recv()
            assert ws.close_code is not None
            return replies, ws.close_code, ws.close_reason

    assert run_async(scenario()) == (["one", "two"], 4001, "asked to")


def test_unknown_path_is_refused_with_an_http_answer(served: ExpresspyRun) -> None:
    async def scenario() -> int:
        with pytest.raises(InvalidStatus) as caught:
            async with connect(ws_url(served, "/nowhere")):
                pass
        return caught.value.response.status_code

    assert run_async(scenario()) == 404  # the final handler's page


def test_middleware_refusal_before_the_handshake(served: ExpresspyRun) -> None:
    async def scenario() -> tuple[int, bytes | bytearray]:
        with pytest.raises(InvalidStatus) as caught:
            async with connect(ws_url(served, "/me")):
                pass
        return caught.value.response.status_code, caught.value.response.body or b""

    # Every server here offers the websocket.http.response extension: the middleware's own
    # answer goes out (test_asgi_unit covers the 403 of a server without it).
    assert run_async(scenario()) == (401, b"log in first")


def test_router_params_query_and_the_rewritten_url(served: ExpresspyRun) -> None:
    async def scenario() -> Any:
        async with connect(ws_url(served, "/rooms/lobby?x=1"), subprotocols=["chat", "v2"]) as ws:  # type: ignore[list-item]
            info = json.loads(await ws.recv())
            with pytest.raises(ConnectionClosed):
                await ws.recv()
            return info, ws.close_code

    info, code = run_async(scenario())
    assert info == {
        "room": "lobby",
        "name": "LOBBY",
        "query": {"x": "1"},
        "url": "/lobby/.websocket?x=1",
        "original_url": "/rooms/lobby/.websocket?x=1",
        "base_url": "/rooms",
        "method": "GET",
        "protocol": "chat",
    }
    assert code == 1000


def test_ws_middleware_can_pass_or_close(served: ExpresspyRun) -> None:
    async def scenario() -> tuple[str, int | None, str | None]:
        async with connect(ws_url(served, "/gated?token=yes")) as ws:
            through = await ws.recv()
        async with connect(ws_url(served, "/gated?token=no")) as ws:
            with pytest.raises(ConnectionClosed):
                await ws.recv()
            return str(through), ws.close_code, ws.close_reason

    assert run_async(scenario()) == ("through the gate", 4003, "bad token")


def test_handler_error_closes_with_1011(served: ExpresspyRun) -> None:
    async def scenario() -> int | None:
        async with connect(ws_url(served, "/boom")) as ws:
            with pytest.raises(ConnectionClosed):
                await ws.recv()
            return ws.close_code

    assert run_async(scenario()) == 1011


def test_listeners_see_messages_in_order_and_close(served: ExpresspyRun) -> None:
    async def scenario() -> list[Any]:
        async with connect(ws_url(served, "/events")) as ws:
            for index in range(5):
                await ws.send(f"m{index}")
            replies = [await ws.recv() for _ in range(5)]
            await ws.close(4321, "done here")
        return replies

    assert run_async(scenario()) == [f"{n + 1}:'m{n}'" for n in range(5)]
    for _ in range(50):  # the close listener runs once the server saw the close
        closes = json.loads(http(served, "GET", "/closes")[1])
        if closes:
            break
        asyncio.run(asyncio.sleep(0.05))
    if served.server == "hypercorn":
        # hypercorn's websocket.disconnect carries no client code or reason (1006 for any
        # close it did not start): the listener runs, with what the server reported.
        assert closes and closes[-1][0] in (1000, 1006)
    else:
        assert [4321, "done here"] in closes


def test_session_shared_between_http_and_websocket(served: ExpresspyRun) -> None:
    cookie = login(served, "ann")

    async def scenario() -> list[Any]:
        async with connect(ws_url(served, "/me"), additional_headers={"Cookie": cookie}) as ws:
            hello = json.loads(await ws.recv())
            await ws.send("note:from the socket")
            saved = await ws.recv()
            # Saved during the connection: an HTTP request with the same cookie sees it.
            who = json.loads(http(served, "GET", "/whoami", cookie=cookie)[1])
            await ws.send("reload")
            reloaded = await ws.recv()
            # Logged out over HTTP: the socket's reload fails as express-session's does.
            assert http(served, "GET", "/logout", cookie=cookie)[:2] == (200, "bye")
            await ws.send("reload")
            failed = await ws.recv()
            return [hello, saved, who, reloaded, failed]

    hello, saved, who, reloaded, failed = run_async(scenario())
    assert hello == {"user": "ann", "cookies": ["connect.sid"]}
    assert saved == "saved"
    assert who == {"user": "ann", "note": "from the socket"}
    assert reloaded == "reloaded ann"
    assert failed == "reload failed: failed to load session"


def test_server_pings_where_the_server_offers_them(served: ExpresspyRun) -> None:
    async def scenario() -> list[Any]:
        async with connect(ws_url(served, "/ping")) as ws:
            count = 3 if served.server == "expresspy" else 2
            return sorted([await ws.recv() for _ in range(count)])

    seen = run_async(scenario())
    if served.server == "expresspy":  # the ping extension: a real ping, its pong heard
        assert seen[1:] == ["pinged None", "pong hi"]
        assert seen[0].startswith("extensions permessage-deflate")  # the client offered it
    else:  # ASGI has no ping message: ws.ping only calls back; the server pings by itself
        assert seen == ["extensions ", "pinged None"]
