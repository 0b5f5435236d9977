"""Body reading shared by every parser: streaming limits, gzip bombs, aborted uploads."""

from __future__ import annotations

import gzip
import socket
import threading
import time
import tracemalloc
from typing import Any

from expresspy import express
from expresspy.server import BackgroundServer, ServerConfig
from expresspy.testing import request
from tests.middleware.apps import echo_app


def test_chunked_body_over_limit_is_counted_while_streaming() -> None:
    app = echo_app(express.raw(limit=100))
    # A generator body goes out chunked, with no Content-Length to check up front.
    res = (
        request(app)
        .post("/")
        .set("Content-Type", "application/octet-stream")
        .set("Transfer-Encoding", "chunked")
        .send(b"x" * 101)
        .expect(413)
    )
    assert res.text == "[entity.too.large] request entity too large"


def test_small_gzip_that_inflates_far_past_the_limit() -> None:
    bomb = gzip.compress(bytes(10 << 20))  # about 10 KB on the wire, 10 MiB inflated
    assert len(bomb) < 20_000
    app = echo_app(express.json())
    request(app).post("/").set("Content-Type", "application/json").set(
        "Content-Encoding", "gzip"
    ).send(bomb).expect(413, "[entity.too.large] request entity too large")


def test_gigabyte_gzip_bomb_is_refused_with_bounded_memory() -> None:
    member = gzip.compress(bytes(1 << 20))
    bomb = member * 1024  # 1 GiB inflated, as concatenated gzip members (Node reads them all)
    app = echo_app(express.json())
    tracemalloc.start()
    try:
        started = time.perf_counter()
        request(app).post("/").set("Content-Type", "application/json").set(
            "Content-Encoding", "gzip"
        ).send(bomb).expect(413)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2.0
    # The request itself holds the 1 MB body; inflating adds at most limit + one 64 KiB step.
    assert peak < 8 * len(bomb), peak


def test_gzip_members_are_all_read() -> None:
    body = gzip.compress(b'{"a":') + gzip.compress(b"1}")
    request(echo_app(express.json())).post("/").set("Content-Type", "application/json").set(
        "Content-Encoding", "gzip"
    ).send(body).expect(200, '{"a":1}')


def test_client_that_goes_away_mid_body_gives_request_aborted() -> None:
    seen: list[Any] = []
    done = threading.Event()
    app = express()
    app.use(express.text())

    def record(err: Any, req: Any, res: Any, next: Any) -> None:
        seen.append((err.status, err.type, str(err)))
        done.set()
        res.status(err.status).end()

    app.use(record)
    server = BackgroundServer(app, ServerConfig(port=0)).start()
    try:
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            sock.sendall(
                b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                b"Content-Length: 100\r\n\r\nonly ten b"
            )
            time.sleep(0.1)
        assert done.wait(5)
    finally:
        server.stop()
    assert seen == [(400, "request.aborted", "request aborted")]
