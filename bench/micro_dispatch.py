"""In-process dispatch micro-benchmark: expresspy's ASGI entry against Starlette's, no sockets.

Each case calls an ASGI app directly with a prepared scope, a ``receive`` that returns an empty
body and a ``send`` that keeps nothing, so only routing, middleware and response building are
timed. The apps are the harness's own peer apps (bench/apps/), built for the same workload:

* ``hello``: one route (the fixed cost of a request through each framework);
* ``routes``: 200 routes ``/r{i}/:id``, requesting the last one;
* ``middleware``: 10 pass-through middleware, then the hello-world handler.

Starlette is timed both as a full app (its error and exception middleware included, like
expresspy's app) and as a bare ``Router``. Run with the bench venv::

    bench/.venv/bin/python -m bench.micro_dispatch [--number 20000] [--repeat 5] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

from starlette.routing import Router

from bench.apps import expresspy_app, starlette_app
from bench.apps.common import HELLO, Settings
from bench.report import md_table
from bench.workloads import last_route_path

ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
Message = dict[str, Any]


def http_scope(path: str) -> dict[str, Any]:
    """A GET request scope for ``path``, as a server would build it."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:3000"),
            (b"user-agent", b"micro-dispatch"),
            (b"accept", b"*/*"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 3000),
    }


async def receive() -> Message:
    """An empty request body."""
    return {"type": "http.request", "body": b"", "more_body": False}


async def discard(message: Message) -> None:
    """The no-op ``send``."""


async def first_response(app: ASGIApp, path: str) -> tuple[int, bytes]:
    """Status and body of one call, to check a case answers what it should."""
    sent: list[Message] = []

    async def keep(message: Message) -> None:
        sent.append(message)

    await app(http_scope(path), receive, keep)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


async def time_calls(app: ASGIApp, path: str, number: int) -> float:
    """Seconds for ``number`` sequential calls (a fresh copy of the scope each time)."""
    scope = http_scope(path)
    started = time.perf_counter()
    for _ in range(number):
        await app(dict(scope), receive, discard)
    return time.perf_counter() - started


@dataclass(frozen=True)
class Case:
    """One app answering one path."""

    name: str
    framework: str
    app: ASGIApp
    path: str
    expected: bytes


@dataclass(frozen=True)
class Timing:
    """The result of one case: microseconds per call (best and median of the repeats)."""

    name: str
    framework: str
    best_us: float
    median_us: float

    @property
    def calls_per_second(self) -> float:
        """Throughput at the best time."""
        return 1e6 / self.best_us


def cases(handlers: str) -> list[Case]:
    """The cases: expresspy and Starlette on hello world, routes and the middleware chain."""
    hello = Settings("hello", handlers, ".")
    routes, chain = Settings("routes", handlers, "."), Settings("middleware", handlers, ".")
    last = last_route_path()
    return [
        Case("hello", "expresspy", expresspy_app.build(hello), "/", HELLO.encode()),
        Case("hello", "starlette", starlette_app.build(hello), "/", HELLO.encode()),
        Case("routes", "expresspy", expresspy_app.build(routes), last, b"42"),
        Case("routes", "starlette", starlette_app.build(routes), last, b"42"),
        Case("routes", "starlette Router", Router(starlette_app.routes_for(routes)), last, b"42"),
        Case("middleware", "expresspy", expresspy_app.build(chain), "/", HELLO.encode()),
        Case("middleware", "starlette", starlette_app.build(chain), "/", HELLO.encode()),
    ]


async def run_case(case: Case, number: int, repeat: int) -> Timing:
    """Check the case once, warm it up, then time ``repeat`` batches of ``number`` calls."""
    status, body = await first_response(case.app, case.path)
    if status != 200 or body != case.expected:
        raise SystemExit(f"{case.framework} {case.name}: got {status} {body[:60]!r}")
    await time_calls(case.app, case.path, max(1, number // 10))
    seconds = [await time_calls(case.app, case.path, number) for _ in range(repeat)]
    per_call = [s / number * 1e6 for s in seconds]
    return Timing(case.name, case.framework, min(per_call), statistics.median(per_call))


async def run_all(handlers: str, number: int, repeat: int) -> list[Timing]:
    """Time every case in turn."""
    return [await run_case(case, number, repeat) for case in cases(handlers)]


def markdown(timings: list[Timing], handlers: str) -> str:
    """A table with each case and expresspy's speed relative to it."""
    ours = {t.name: t.best_us for t in timings if t.framework == "expresspy"}
    rows = [
        [
            t.name,
            t.framework,
            f"{t.best_us:.1f}",
            f"{t.median_us:.1f}",
            f"{t.calls_per_second:,.0f}",
            f"{t.best_us / ours[t.name]:.2f}x",
        ]
        for t in timings
    ]
    header = ["case", "app", "best µs/call", "median µs/call", "calls/s", "expresspy speed-up"]
    return f"`{handlers}` handlers and middleware.\n\n" + md_table(header, rows)


def parse_args() -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--number", type=int, default=20000, help="calls per timed batch")
    p.add_argument("--repeat", type=int, default=5, help="timed batches per case")
    p.add_argument("--handlers", choices=("async", "sync"), default="async")
    p.add_argument("--json", action="store_true", help="print JSON (for python -m bench)")
    return p.parse_args()


def main() -> None:
    """Run and print the micro-benchmark."""
    args = parse_args()
    timings = asyncio.run(run_all(args.handlers, args.number, args.repeat))
    table = markdown(timings, args.handlers)
    if args.json:
        print(
            json.dumps(
                {
                    "number": args.number,
                    "repeat": args.repeat,
                    "handlers": args.handlers,
                    "markdown": table,
                    "results": [asdict(t) for t in timings],
                }
            )
        )
    else:
        print(table)


if __name__ == "__main__":
    main()
