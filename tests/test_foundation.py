"""The foundation, end to end: the seed tutorial and the core guarantees over a real server.

Every test here starts the built-in server on a free loopback port and speaks HTTP/1.1 to it
with http.client, as a browser or curl would.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import http.client
import importlib.util
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from expresspy import express
from expresspy.server import BackgroundServer, ServerConfig

ROOT = Path(__file__).resolve().parent.parent
SECRET = "my-secret-key"


def _load_seed_app() -> Any:
    path = ROOT / "examples/seed_tutorial.py"
    spec = importlib.util.spec_from_file_location("seed_tutorial", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


@pytest.fixture
def seed_server() -> Iterator[BackgroundServer]:
    with BackgroundServer(_load_seed_app(), ServerConfig(port=0, access_log=False)) as server:
        yield server


class Browser:
    """One keep-alive connection with a cookie jar of one cookie name, like a browser tab."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.cookies: dict[str, str] = {}

    def get(self, path: str, method: str = "GET") -> tuple[http.client.HTTPResponse, bytes]:
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, headers=headers)
        response = self.conn.getresponse()
        body = response.read()
        for set_cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = set_cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response, body


def _signature(value: str, secret: str) -> str:
    mac = hmac.new(secret.encode(), value.encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode().rstrip("=")


def test_seed_tutorial_flow_matches_express(seed_server: BackgroundServer) -> None:
    browser = Browser(seed_server.port)

    response, body = browser.get("/get-session")
    assert (response.status, body) == (200, b"Hello, None!")
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers.get_all("Set-Cookie") is None  # unmodified new session: no cookie

    response, body = browser.get("/set-session")
    assert (response.status, body) == (200, b"Session data has been set.")
    set_cookie = response.headers["Set-Cookie"]
    name, _, rest = set_cookie.partition("=")
    value, *attributes = rest.split("; ")
    assert name == "connect.sid"
    assert attributes == ["Path=/", "HttpOnly"]
    signed = unquote(value)
    assert signed.startswith("s:")
    sid, _, signature = signed[2:].rpartition(".")
    assert len(sid) == 32
    assert signature == _signature(sid, SECRET)

    response, body = browser.get("/get-session")
    assert (response.status, body) == (200, b"Hello, john_doe!")
    assert response.headers.get_all("Set-Cookie") is None

    response, body = browser.get("/clear-session")
    assert (response.status, body) == (200, b"Session has been cleared.")

    response, body = browser.get("/get-session")  # the old cookie finds no session
    assert (response.status, body) == (200, b"Hello, None!")
    assert response.headers.get_all("Set-Cookie") is None


def test_tampered_cookie_gets_a_fresh_empty_session(seed_server: BackgroundServer) -> None:
    browser = Browser(seed_server.port)
    browser.get("/set-session")
    sid_value = browser.cookies["connect.sid"]
    browser.cookies["connect.sid"] = sid_value[:-3] + (
        "AAA" if not sid_value.endswith("AAA") else "BBB"
    )
    response, body = browser.get("/get-session")
    assert (response.status, body) == (200, b"Hello, None!")
    browser.cookies["connect.sid"] = "s%3Aunknown-session-id.bad"
    response, body = browser.get("/get-session")
    assert (response.status, body) == (200, b"Hello, None!")


def test_unknown_path_is_expresss_404_page(seed_server: BackgroundServer) -> None:
    response, body = Browser(seed_server.port).get("/nope")
    assert response.status == 404
    assert body == (
        b'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        b"<title>Error</title>\n</head>\n<body>\n<pre>Cannot GET /nope</pre>\n</body>\n"
        b"</html>\n"
    )
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Length"] == "143"


def test_head_answers_headers_without_body(seed_server: BackgroundServer) -> None:
    browser = Browser(seed_server.port)
    response, body = browser.get("/get-session", method="HEAD")
    assert response.status == 200
    assert body == b""
    assert response.headers["Content-Length"] == str(len(b"Hello, None!"))
    assert response.headers["ETag"].startswith('W/"c-')
    # The connection is still usable: HEAD framed correctly.
    response, body = browser.get("/get-session")
    assert body == b"Hello, None!"


def test_two_requests_share_one_keep_alive_connection(seed_server: BackgroundServer) -> None:
    browser = Browser(seed_server.port)
    browser.get("/get-session")
    first_socket = browser.conn.sock
    response, body = browser.get("/get-session")
    assert browser.conn.sock is first_socket
    assert response.headers["Connection"] == "keep-alive"
    assert body == b"Hello, None!"


def _serve(app: Any) -> BackgroundServer:
    return BackgroundServer(app, ServerConfig(port=0, access_log=False))


def test_exception_in_handler_is_500_and_server_keeps_serving() -> None:
    app = express()
    app.set("env", "production")

    @app.get("/boom")
    def boom(req: Any, res: Any) -> None:
        raise ValueError("kaboom")

    @app.get("/ok")
    def ok(req: Any, res: Any) -> None:
        res.send("still here")

    with _serve(app) as server:
        browser = Browser(server.port)
        response, body = browser.get("/boom")
        assert response.status == 500
        assert b"<pre>Internal Server Error</pre>" in body
        response, body = Browser(server.port).get("/ok")
        assert (response.status, body) == (200, b"still here")


def test_development_error_page_shows_the_traceback() -> None:
    app = express()
    app.set("env", "development")

    @app.get("/boom")
    def boom(req: Any, res: Any) -> None:
        raise ValueError("kaboom <b>")

    with _serve(app) as server:
        response, body = Browser(server.port).get("/boom")
    assert response.status == 500
    text = body.decode()
    assert "Traceback (most recent call last):" in text
    assert "ValueError: kaboom &lt;b&gt;" in text
    assert "in boom" in text


def test_async_handler_and_next_err_with_status() -> None:
    app = express()

    @app.get("/later")
    async def later(req: Any, res: Any) -> None:
        await asyncio.sleep(0.01)
        res.json({"done": True})

    @app.get("/forbidden")
    async def forbidden(req: Any, res: Any, next: Any) -> None:
        err = Exception("no entry")
        err.status = 403  # type: ignore[attr-defined]
        next(err)

    @app.use
    def on_error(err: Any, req: Any, res: Any, next: Any) -> None:
        res.status(getattr(err, "status", 500)).send(f"handled: {err}")

    with _serve(app) as server:
        browser = Browser(server.port)
        response, body = browser.get("/later")
        assert (response.status, body) == (200, b'{"done":true}')
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        response, body = browser.get("/forbidden")
        assert (response.status, body) == (403, b"handled: no entry")


def test_blocking_plain_handler_does_not_stall_a_concurrent_request() -> None:
    app = express()
    release = threading.Event()

    @app.get("/slow")
    def slow(req: Any, res: Any) -> None:
        release.wait(5)  # blocks its worker thread, not the event loop
        res.send("slow")

    @app.get("/fast")
    def fast(req: Any, res: Any) -> None:
        res.send("fast")

    with _serve(app) as server:
        results: dict[str, bytes] = {}

        def fetch_slow() -> None:
            results["slow"] = Browser(server.port).get("/slow")[1]

        thread = threading.Thread(target=fetch_slow)
        thread.start()
        time.sleep(0.1)
        started = time.monotonic()
        _, body = Browser(server.port).get("/fast")
        elapsed = time.monotonic() - started
        assert body == b"fast"
        assert not release.is_set()  # the slow handler is still blocked while /fast answered
        assert elapsed < 4
        release.set()
        thread.join(5)
        assert results["slow"] == b"slow"


def test_response_ended_later_from_a_callback_in_another_thread() -> None:
    app = express()

    @app.get("/callback")
    def callback(req: Any, res: Any) -> None:
        threading.Timer(0.05, lambda: res.send("from a timer thread")).start()

    with _serve(app) as server:
        response, body = Browser(server.port).get("/callback")
    assert (response.status, body) == (200, b"from a timer thread")
