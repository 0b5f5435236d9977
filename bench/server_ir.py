"""Per-request cost of the built-in server, measured in one process: instructions or time.

A client and the server share one event loop and talk over real loopback TCP, one request in
flight on one connection (the raw ASGI hello-world app of server_app.py). With ``--callgrind``
the script runs itself twice under valgrind (N and 2N requests) and prints the instructions per
request (the difference over N): independent of the machine's load, so good for before/after
comparisons. Without it, it prints wall-clock microseconds per request (noisy). ``--http floor``
measures what no server can avoid here (asyncio, the syscalls, the client).

    python bench/server_ir.py --callgrind --http httptools --requests 2000
    python bench/server_ir.py --http h11 --requests 20000
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from server_app import BODY, app  # noqa: E402

from expresspy.server import Server, ServerConfig  # noqa: E402

REQUEST = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n"


class _Client(asyncio.Protocol):
    """Sends a request each time the previous response's body arrived, ``count`` times."""

    def __init__(self, count: int, done: asyncio.Future[None]) -> None:
        self.left = count
        self.done = done
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(REQUEST)

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.left -= data.count(BODY)
        if self.left > 0:
            self.transport.write(REQUEST)
        elif not self.done.done():
            self.done.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_exception(ConnectionError(f"closed with {self.left} requests left"))


class _Canned(asyncio.Protocol):
    """The floor: answers each read with a fixed response, parsing nothing (``--http floor``)."""

    RESPONSE = (b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 13\r\n\r\n"
                + BODY)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.transport.write(self.RESPONSE)


async def serve_requests(count: int, http: str) -> float:
    """Serve ``count`` requests; return the seconds they took."""
    loop = asyncio.get_running_loop()
    if http == "floor":
        canned = await loop.create_server(_Canned, "127.0.0.1", 0)
        port = canned.sockets[0].getsockname()[1]
    else:
        config = ServerConfig(port=0, access_log=False, http=http,  # type: ignore[arg-type, unused-ignore]
                              max_requests_per_connection=None)
        server = Server(app, config)
        await server.start()
        port = server.port
    done: asyncio.Future[None] = loop.create_future()
    start = time.perf_counter()
    transport, _ = await loop.create_connection(lambda: _Client(count, done), "127.0.0.1", port)
    await asyncio.wait_for(done, 300)
    elapsed = time.perf_counter() - start
    transport.close()
    if http == "floor":
        canned.close()
    else:
        await server.shutdown()
    return elapsed


def instructions(count: int, http: str) -> int:
    """Total instructions of one run of this script under callgrind."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
             sys.executable, __file__, "--requests", str(count), "--http", http],
            check=True, capture_output=True, timeout=1800,
        )
        text = out.read_text(errors="replace")
    match = re.search(r"^(?:summary|totals): (\d+)", text, re.MULTILINE)
    assert match, "no totals in the callgrind output"
    return int(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--http", default="httptools", choices=["h11", "httptools", "floor"],
                        help="floor: a canned-response asyncio protocol (the cost of asyncio, "
                        "the syscalls and the client)")
    parser.add_argument("--callgrind", action="store_true")
    args = parser.parse_args()
    if args.callgrind:
        small = instructions(args.requests, args.http)
        large = instructions(2 * args.requests, args.http)
        print(f"{args.http}: {(large - small) / args.requests:.0f} instructions per request")
        return
    elapsed = asyncio.run(serve_requests(args.requests, args.http))
    print(f"{args.http}: {elapsed * 1e6 / args.requests:.1f} µs per request (client included)")


if __name__ == "__main__":
    main()
