"""Issue 16 item 9: what tiny request-body chunks cost the server.

Two measurements against ``expresspy run`` (this file is also the app: it reads the whole body
and answers its length), server pinned to CPU 0, this client on CPU 1:

- CPU seconds the server spends on one request carrying 3 MB as 1-byte chunks, and as one
  chunk (read from /proc before and after the request);
- the median latency of a probe GET (10 per second) while two other connections stream
  1-byte chunks (``--stream-chunk``) as fast as they can, reconnecting whenever the server
  closes them;
- with ``--trailers``: the server's RSS before and after one connection sends an endless
  trailer section (4 KB lines) for up to ``--seconds``, and how long until it was answered.

    python bench/server_chunks.py --http h11
    python bench/server_chunks.py --http httptools --seconds 10
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import statistics
import sys
import threading
import time
from collections.abc import MutableMapping
from typing import Any

HEAD = b"POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
PROBE = b"GET /probe HTTP/1.1\r\nHost: a\r\n\r\n"


async def app(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
    """Read the whole body, answer its length (and the lifespan handshake)."""
    if scope["type"] == "lifespan":
        from server_app import app as hello  # its lifespan handshake

        await hello(scope, receive, send)
        return
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"%d" % size})


def read_response(sock: socket.socket) -> bytes:
    """Bytes up to the end of one small response (or until the server closes)."""
    data = b""
    while b"\r\n\r\n" not in data:
        part = sock.recv(65536)
        if not part:
            return data
        data += part
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    while len(body) < length:
        part = sock.recv(65536)
        if not part:
            break
        body += part
    return head + b"\r\n\r\n" + body


def one_upload(port: int, body: bytes) -> bytes:
    """Send one chunked request (``body`` is its framed body) and return the response."""
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        sock.sendall(HEAD)
        with contextlib.suppress(OSError):  # refused and closed: the answer is still readable
            sock.sendall(body)
        return read_response(sock)


def streamer(port: int, size: int, stop: threading.Event, counts: dict[str, int]) -> None:
    """Stream ``size``-byte chunks until ``stop``; reconnect whenever the server closes."""
    one = b"%x\r\n" % size + b"x" * size + b"\r\n"
    block = one * max(1, 49152 // len(one))
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
                counts["connections"] += 1
                sock.sendall(HEAD)
                while not stop.is_set():
                    sock.sendall(block)
                    counts["chunks"] += len(block) // len(one)
        except OSError:
            continue


def probe_latencies(port: int, seconds: float) -> list[float]:
    """Latencies (s) of probe GETs, 10 per second, on one keep-alive connection."""
    out: list[float] = []
    deadline = time.monotonic() + seconds
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        while time.monotonic() < deadline:
            start = time.monotonic()
            sock.sendall(PROBE)
            read_response(sock)
            out.append(time.monotonic() - start)
            time.sleep(max(0.0, 0.1 - (time.monotonic() - start)))
    return out


def endless_trailers(port: int, pid: int, seconds: float) -> str:
    """Stream 4 KB trailer lines until the server answers or ``seconds`` pass; report RSS."""
    from server_proc import rss_kib

    before = rss_kib(pid)
    lines = (b"X-T: " + b"a" * 4000 + b"\r\n") * 64
    start = time.monotonic()
    sent = 0
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as sock:
        sock.sendall(HEAD + b"3\r\nabc\r\n0\r\n")
        sock.settimeout(0.2)
        while time.monotonic() - start < seconds and not answer:
            try:
                sock.sendall(lines)  # whole lines only: a partial send would garble them
                sent += len(lines)
                sock.setblocking(False)
                with contextlib.suppress(BlockingIOError):
                    answer = sock.recv(200)
                sock.settimeout(0.2)
            except TimeoutError:
                answer = sock.recv(200)
            except OSError:
                break
        took = time.monotonic() - start
        peak = rss_kib(pid)
    time.sleep(1.0)
    return (
        f"endless trailers: answer {answer[:12]!r} after {took:.2f} s, {sent / 1e6:.1f} MB "
        f"sent; server RSS {before / 1024:.0f} MiB before, {peak / 1024:.0f} MiB at the "
        f"end, {rss_kib(pid) / 1024:.0f} MiB 1 s after the close"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--http", default="h11", choices=["h11", "httptools"])
    parser.add_argument("--megabytes", type=float, default=3.0)
    parser.add_argument("--seconds", type=float, default=8.0, help="probe phase length")
    parser.add_argument(
        "--stream-chunk",
        type=int,
        default=1,
        help="chunk size (bytes) of the two streaming connections",
    )
    parser.add_argument("--trailers", action="store_true", help="only the trailer test")
    parser.add_argument("--server-args", default="", help="extra server flags, space-separated")
    args = parser.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    from server_proc import SERVERS, cpu_seconds, server

    SERVERS["chunks"] = [
        "expresspy",
        "run",
        "server_chunks.py",
        "--port",
        "{port}",
        "--http",
        args.http,
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    if shutil.which("taskset"):
        os.sched_setaffinity(0, {1})  # the server is pinned to CPU 0
    with server("chunks", cpu=0, extra=args.server_args.split()) as srv:
        port, proc = srv.port, srv.proc
        if args.trailers:
            print(f"{args.http}: {endless_trailers(port, proc.pid, args.seconds)}")
            return
        size = int(args.megabytes * 1_000_000)
        for label, body in [
            ("1-byte chunks", b"1\r\nx\r\n" * size + b"0\r\n\r\n"),
            ("one chunk", b"%x\r\n" % size + b"x" * size + b"\r\n0\r\n\r\n"),
        ]:
            before = cpu_seconds(proc.pid)
            start = time.monotonic()
            answer = one_upload(port, body)
            took = time.monotonic() - start
            used = cpu_seconds(proc.pid) - before
            status, body_text = answer.split(b" ", 2)[1], answer.rpartition(b"\r\n")[2][:40]
            print(
                f"{args.http}: {args.megabytes} MB as {label}: server CPU {used:.2f} s, "
                f"wall {took:.2f} s, answer {status.decode()} {body_text!r}"
            )
        idle = probe_latencies(port, 2.0)
        stop = threading.Event()
        counts = {"connections": 0, "chunks": 0}
        threads = [
            threading.Thread(target=streamer, args=(port, args.stream_chunk, stop, counts))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        loaded = probe_latencies(port, args.seconds)
        stop.set()
        for thread in threads:
            thread.join(10)
        print(
            f"{args.http}: probe median {statistics.median(idle) * 1000:.1f} ms idle, "
            f"{statistics.median(loaded) * 1000:.1f} ms while 2 connections stream "
            f"{args.stream_chunk}-byte chunks (max {max(loaded) * 1000:.0f} ms, "
            f"{len(loaded)} probes; streamers opened {counts['connections']} connections, "
            f"sent {counts['chunks']:,} chunks)"
        )


if __name__ == "__main__":
    main()
