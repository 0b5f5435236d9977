"""Per-request cost of the built-in server, measured in one process: instructions or time.

A client and the server share one event loop and talk over real loopback TCP, one request in
flight on one connection (the raw ASGI hello-world app of server_app.py). With ``--callgrind``
the script runs itself twice under valgrind (N and 2N requests) and prints the instructions per
request (the difference over N): independent of the machine's load, so good for before/after
comparisons. It also prints CPython's method-cache misses a request: which type-attribute
lookups collide in that cache depends on where the names' strings sit in memory, so a change
anywhere (this script included) can move a few k instructions in or out. ``--layouts K``
counts K memory layouts (objects made before the code under test is imported) and prints the
median. Without ``--callgrind`` it prints wall-clock microseconds per request (noisy).
``--http floor`` measures what no server can avoid here (asyncio, the syscalls, the client).

``--app hello`` or ``--app session`` serves the harness's framework apps instead of the raw one
(``apps/expresspy_app.py``, async handlers; the client keeps the session cookie), and
``--app new-session`` serves the session workload to a client that never sends its cookie
back (a new session each request: the session middleware's general path), and ``--app
read-session`` its ``/read`` after one ``/``, each request reading the session and changing
nothing (the usual request of a logged-in user). ``--peer`` serves
the same workload with uvicorn + Starlette (``apps/starlette_app.py``) on the same protocol,
in the same process: run it from ``bench/.venv``, which has the peers.
``--store sqlite|redis`` gives ``--app session`` the store of the harness's ``session-sqlite``
or ``session-redis`` workload (MemoryStore by default); callgrind counts only this process, so
the Redis server's own work is left out. ``--app round-trip --store redis|sqlite`` measures
that store's round trip alone, with no server (``store_round_trip.py``).

    python bench/server_ir.py --callgrind --http httptools --requests 2000
    python bench/server_ir.py --http h11 --requests 20000
    bench/.venv/bin/python bench/server_ir.py --callgrind --app session --http h11 --peer
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import importlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, NamedTuple

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

# --layouts: this many small objects made before the code under test is imported move the
# addresses its names' strings get, and with them which method-cache lookups collide.
_LAYOUT_PAD = [bytes(n % 200) + b"." for n in range(int(os.environ.get("BENCH_LAYOUT_PAD", 0)))]
LAYOUT_PADS = (0, 100, 1000, 50, 400, 2000, 10, 700, 200)

import store_round_trip  # noqa: E402
from callgrind import method_cache_misses  # noqa: E402
from server_app import BODY, app  # noqa: E402

from expresspy.server import Server, ServerConfig  # noqa: E402

REQUEST = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n"
RESPONSE_MARK = b"HTTP/1.1 200 "


class _Client(asyncio.Protocol):
    """Sends a request each time the previous response's body arrived, ``count`` times."""

    def __init__(
        self, count: int, done: asyncio.Future[None], keep_cookie: bool = True, later: bytes = b"/"
    ) -> None:
        self.left = count
        self.keep_cookie = keep_cookie
        # Every request after the first asks for `later` (the first one made the session).
        self.template = REQUEST
        self.later = REQUEST.replace(b"GET / ", b"GET " + later + b" ", 1)
        self.done = done
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.request = REQUEST
        transport.write(REQUEST)

    def data_received(self, data: bytes) -> None:
        # One response per read: the responses here are small and one request is in flight.
        assert self.transport is not None
        self.left -= data.count(RESPONSE_MARK)
        if self.template is not self.later:
            self.template = self.request = self.later
        if self.keep_cookie:
            self._keep_cookie(data)
        if self.left > 0:
            self.transport.write(self.request)
        elif not self.done.done():
            self.done.set_result(None)

    def _keep_cookie(self, data: bytes) -> None:
        """Send the latest Set-Cookie back, as a browser would (the session workload)."""
        at = data.lower().find(b"\r\nset-cookie: ")
        if at >= 0:
            cookie = data[at + 14 : data.index(b"\r\n", at + 2)].split(b";", 1)[0]
            self.request = self.template[:-2] + b"Cookie: " + cookie + b"\r\n\r\n"

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_exception(ConnectionError(f"closed with {self.left} requests left"))


class _Canned(asyncio.Protocol):
    """The floor: answers each read with a fixed response, parsing nothing (``--http floor``)."""

    RESPONSE = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 13\r\n\r\n" + BODY

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.transport.write(self.RESPONSE)


def load_app(name: str, peer: bool, store: str = "memory") -> Any:
    """The ASGI app to serve: the raw one, or a harness app for workload ``name`` (the
    session workload with ``store``: ``memory``, or a ``session-<store>`` workload's)."""
    if name == "raw":
        return app
    if name in ("new-session", "read-session"):  # the same app; only the client differs
        name = "session"
    os.environ["BENCH_WORKLOAD"] = name if store == "memory" else f"{name}-{store}"
    if "BENCH_STATIC_DIR" not in os.environ:  # a fresh SQLite file for each run
        folder = tempfile.mkdtemp(prefix="server-ir-")
        atexit.register(shutil.rmtree, folder, True)
        os.environ["BENCH_STATIC_DIR"] = folder
    os.environ["BENCH_HANDLERS"] = "async"
    module = importlib.import_module("apps.starlette_app" if peer else "apps.expresspy_app")
    return module.app


async def start_uvicorn(asgi: Any, http: str) -> tuple[asyncio.AbstractServer, int]:
    """uvicorn's protocol for ``http`` serving ``asgi`` on a free port, in this loop."""
    import uvicorn
    from uvicorn.server import ServerState

    config = uvicorn.Config(
        asgi, http=http, lifespan="off", access_log=False, loop="asyncio", log_level="warning"
    )
    config.load()
    state = ServerState()
    server = await asyncio.get_running_loop().create_server(
        lambda: config.http_protocol_class(config=config, server_state=state, app_state={}),
        "127.0.0.1",
        0,
    )
    return server, server.sockets[0].getsockname()[1]


async def serve_requests(
    count: int, http: str, app_name: str = "raw", peer: bool = False, store: str = "memory"
) -> float:
    """Serve ``count`` requests; return the seconds they took."""
    loop = asyncio.get_running_loop()
    asgi = load_app(app_name, peer, store)
    if http == "floor":
        canned = await loop.create_server(_Canned, "127.0.0.1", 0)
        port = canned.sockets[0].getsockname()[1]
    elif peer:
        canned, port = await start_uvicorn(asgi, http)
    else:
        config = ServerConfig(
            port=0,
            access_log=False,
            http=http,  # type: ignore[arg-type, unused-ignore]
            max_requests_per_connection=None,
        )
        server = Server(asgi, config)
        await server.start()
        port = server.port
    done: asyncio.Future[None] = loop.create_future()
    start = time.perf_counter()
    keep_cookie = app_name != "new-session"
    later = b"/read" if app_name == "read-session" else b"/"
    transport, _ = await loop.create_connection(
        lambda: _Client(count, done, keep_cookie, later), "127.0.0.1", port
    )
    await asyncio.wait_for(done, 300)
    elapsed = time.perf_counter() - start
    transport.close()
    if http == "floor" or peer:
        canned.close()
    else:
        await server.shutdown()
    return elapsed


class Count(NamedTuple):
    """One run's totals under callgrind: every instruction, and the method-cache misses in it.

    A miss is a type-attribute lookup (``_PyType_Lookup``) that CPython's 4,096-entry method
    cache did not answer, so it walked the type's MRO (``find_name_in_mro``). A slot is chosen
    by the type's version tag and the *address* of the name's string, so two lookups made
    alternately in a request can evict each other on every request: which do is a matter of
    memory layout, which any change to the code moves (docs/performance.md, "Method-cache
    misses in the count").
    """

    instructions: int
    misses: int  # find_name_in_mro calls made by _PyType_Lookup
    miss_instructions: int  # their inclusive cost


def instructions(count: int, options: list[str], pad: int = 0) -> Count:
    """The totals of one run of this script (with ``options``) under callgrind, ``pad``
    objects made before the code under test is imported."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}",
                sys.executable,
                __file__,
                "--requests",
                str(count),
                *options,
            ],
            check=True,
            capture_output=True,
            timeout=1800,
            env={**os.environ, "BENCH_LAYOUT_PAD": str(pad)},
        )
        text = out.read_text(errors="replace")
        callers = subprocess.run(
            ["callgrind_annotate", "--tree=caller", "--threshold=100", str(out)],
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        ).stdout
    match = re.search(r"^(?:summary|totals): (\d+)", text, re.MULTILINE)
    assert match, "no totals in the callgrind output"
    misses, cost = method_cache_misses(callers)
    return Count(int(match.group(1)), misses, cost)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument(
        "--http",
        default="httptools",
        choices=["h11", "httptools", "floor"],
        help="floor: a canned-response asyncio protocol (the cost of asyncio, "
        "the syscalls and the client)",
    )
    parser.add_argument(
        "--app",
        default="raw",
        choices=["raw", "hello", "session", "new-session", "read-session", "round-trip"],
        help="raw: the framework-free ASGI app; hello/session: the harness's app for that "
        "workload; new-session: the session app, its client never sending the cookie back; "
        "read-session: the session app's /read, which reads the session and changes nothing; "
        "round-trip: the --store's own round trip, no server",
    )
    parser.add_argument(
        "--peer", action="store_true", help="serve with uvicorn + Starlette instead of expresspy"
    )
    parser.add_argument(
        "--store",
        default="memory",
        choices=["memory", "sqlite", "redis"],
        help="the store of --app session (the harness's session-sqlite/session-redis store)",
    )
    parser.add_argument("--callgrind", action="store_true")
    parser.add_argument(
        "--layouts",
        type=int,
        default=1,
        choices=range(1, len(LAYOUT_PADS) + 1),
        metavar=f"1-{len(LAYOUT_PADS)}",
        help="with --callgrind: count in this many memory layouts and print their median "
        "(which method-cache lookups collide depends on the layout)",
    )
    args = parser.parse_args()
    if args.store != "memory" and args.app in ("raw", "hello"):
        parser.error("--store needs a session --app or round-trip")
    if args.app == "round-trip" and args.store == "memory":
        parser.error("--app round-trip needs --store sqlite or redis")
    app_label = args.app if args.store == "memory" else f"{args.app}-{args.store}"
    label = f"{'uvicorn+starlette' if args.peer else 'expresspy'} {args.http} {app_label}"
    if args.callgrind:
        options = ["--http", args.http, "--app", args.app, "--store", args.store,
                   *(["--peer"] if args.peer else [])]  # fmt: skip
        counts = []
        for pad in LAYOUT_PADS[: args.layouts]:
            small = instructions(args.requests, options, pad)
            large = instructions(2 * args.requests, options, pad)
            per_request = (large.instructions - small.instructions) / args.requests
            misses = (large.misses - small.misses) / args.requests
            miss_cost = (large.miss_instructions - small.miss_instructions) / args.requests
            counts.append(per_request)
            layout = f" (layout {pad})" if args.layouts > 1 else ""
            print(
                f"{label}{layout}: {per_request:.0f} instructions per request "
                f"({misses:.1f} method-cache misses, {miss_cost:.0f} instructions; "
                f"{per_request - miss_cost:.0f} without them)",
                flush=True,
            )
        if args.layouts > 1:
            print(f"{label}: median {statistics.median(counts):.0f} over {len(counts)} layouts")
        return
    if args.app == "round-trip":
        start = time.perf_counter()
        store_round_trip.run(args.store, args.requests)
        elapsed = time.perf_counter() - start
        print(f"{label}: {elapsed * 1e6 / args.requests:.1f} µs per round trip")
        return
    elapsed = asyncio.run(serve_requests(args.requests, args.http, args.app, args.peer, args.store))
    print(f"{label}: {elapsed * 1e6 / args.requests:.1f} µs per request (client included)")


if __name__ == "__main__":
    main()
