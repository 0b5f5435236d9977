"""Node's EventEmitter habits on req/res, over a real server: `res.on("finish"|"close")`,
`once`, `off`, `req.on("data"|"end"|"close"|"aborted")`, with Node's listener arities."""

from __future__ import annotations

import logging
import socket
import time
from typing import Any

import pytest

from expresspy import express
from expresspy.testing import request
from tests.server.rawhttp import running


def wait_until(events: list[str], count: int, timeout: float = 5.0) -> list[str]:
    """`events` once it has `count` entries: the events after the response's last bytes run
    just after the client may have read them."""
    deadline = time.monotonic() + timeout
    while len(events) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)  # and nothing more comes
    return events


def test_res_finish_then_close_with_zero_argument_listeners() -> None:
    app = express()
    events: list[str] = []

    def dropped() -> None:
        events.append("removed listener ran")

    @app.get("/")
    def home(req: Any, res: Any) -> None:
        assert res.on("finish", lambda: events.append("finish")) is res
        res.once("finish", lambda: events.append("finish once"))
        res.on("close", lambda: events.append("close"))
        res.on("finish", dropped)
        res.off("finish", dropped)
        res.removeListener("close", dropped)  # not registered: nothing happens
        req.on("close", lambda: events.append("req close"))
        res.send("ok")

    request(app, server=True).get("/").expect(200, "ok")
    assert wait_until(events, 4) == ["finish", "finish once", "close", "req close"]


def test_once_listener_runs_once_and_emit_returns_whether_anyone_listened() -> None:
    app = express()
    seen: list[object] = []

    @app.get("/")
    def home(req: Any, res: Any) -> None:
        res.once("custom", lambda value: seen.append(value))
        first = res.emit("custom", 1)
        second = res.emit("custom", 2)
        res.send(f"{first} {second} {res.listener_count('custom')}")

    request(app, server=True).get("/").expect(200, "True False 0")
    assert seen == [1]


def test_on_finish_hook_of_no_argument_runs(caplog: pytest.LogCaptureFixture) -> None:
    app = express()
    ran: list[str] = []
    app.use(
        lambda req, res, next: (
            res.on_finish(lambda: ran.append("zero")),
            res.on_finish(lambda r: ran.append(str(r.status_code))),
            next(),
        )
    )
    app.get("/", lambda req, res: res.status(201).send("x"))
    with caplog.at_level(logging.ERROR, logger="expresspy"):
        request(app, server=True).get("/").expect(201)
        wait_until(ran, 2)
    assert ran == ["zero", "201"]
    assert "failed" not in caplog.text


@pytest.mark.parametrize("kind", ["async", "sync"])
def test_req_data_and_end_stream_the_body(kind: str) -> None:
    app = express()
    body = b"x" * 300_000 + b"end"

    def collect(req: Any, res: Any) -> None:
        chunks: list[bytes] = []
        req.on("data", lambda chunk: chunks.append(chunk))
        req.on(
            "end",
            lambda: res.send(
                f"{len(chunks) > 1} {sum(map(len, chunks))} {b''.join(chunks)[-3:].decode()}"
            ),
        )

    async def collect_async(req: Any, res: Any) -> None:
        collect(req, res)

    app.post("/", collect_async if kind == "async" else collect)
    request(app, server=True).post("/").send(body).expect(200, f"True {len(body)} end")


def test_req_set_encoding_gives_text_chunks() -> None:
    app = express()

    @app.post("/")
    async def echo(req: Any, res: Any) -> None:
        text: list[str] = []
        req.set_encoding("utf-8")
        req.on("data", text.append)
        req.once("end", lambda: res.send(repr(text)))

    request(app, server=True).post("/").send("héllo").expect(200, "['héllo']")


def test_end_without_body_on_get_and_resume() -> None:
    app = express()
    app.get("/end", lambda req, res: req.on("end", lambda: res.send("ended")))
    app.post("/resume", lambda req, res: req.resume().on("end", lambda: res.send("drained")))
    client = request(app, server=True)
    client.get("/end").expect(200, "ended")
    request(app, server=True).post("/resume").send("ignored").expect(200, "drained")


def test_data_after_a_body_parser_warns_and_never_fires(caplog: pytest.LogCaptureFixture) -> None:
    app = express()
    app.use(express.json())
    fired: list[object] = []

    @app.post("/")
    def handler(req: Any, res: Any) -> None:
        req.on("data", fired.append)
        res.json(req.body)

    with caplog.at_level(logging.WARNING, logger="expresspy"):
        request(app, server=True).post("/").send({"a": 1}).expect(200, {"a": 1})
    assert fired == []
    assert "the body was already read (by a body parser such as express.json()?)" in caplog.text
    assert "req.on('data') on POST /" in caplog.text


def test_client_leaving_mid_body_emits_aborted_and_close_not_finish() -> None:
    app = express()
    events: list[str] = []

    @app.post("/")
    async def upload(req: Any, res: Any) -> None:
        res.on("finish", lambda: events.append("finish"))
        res.on("close", lambda: events.append("res close"))
        req.on("aborted", lambda: events.append("aborted"))
        req.on("close", lambda: events.append("req close"))
        req.on("data", lambda chunk: events.append("data") if "data" not in events else None)

    with running(app) as server:
        with socket.create_connection(("127.0.0.1", server.port)) as client:
            client.sendall(
                b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + b"y" * 10
            )
            time.sleep(0.3)
        wait_until(events, 4)
    assert events == ["data", "aborted", "res close", "req close"]


def test_client_leaving_a_stream_emits_close_so_a_timer_can_stop() -> None:
    import asyncio

    app = express()
    events: list[str] = []

    @app.get("/events")
    async def stream(req: Any, res: Any) -> None:
        res.set_header("Content-Type", "text/event-stream")
        res.write("data: hello\n\n")

        async def tick() -> None:
            while not res.finished and "req close" not in events:
                await asyncio.sleep(0.05)
                if not res.finished:
                    res.write("data: tick\n\n")

        task = asyncio.ensure_future(tick())
        res.on("finish", lambda: events.append("finish"))
        res.on("close", lambda: events.append("res close"))
        req.on("close", lambda: (events.append("req close"), task.cancel()))  # type: ignore[func-returns-value]

    with running(app) as server:
        with socket.create_connection(("127.0.0.1", server.port)) as client:
            client.sendall(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
            assert b"data: hello" in client.recv(65536)
        wait_until(events, 2)
    assert events == ["res close", "req close"]
