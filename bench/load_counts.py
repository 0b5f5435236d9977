"""Per-request instructions, cache misses and branch mispredictions of a server under wrk load.

`server_ir.py` counts one request in flight, in one process. This script counts what a real
server process does under concurrent load: it starts the server exactly as the harness does
(`servers.py`), under valgrind, loads it with wrk for a short and for a long time, and divides
the difference in counted events by the difference in requests served, so start-up, imports
and shutdown cancel out. valgrind runs the server some fifty times slower; the load (wrk's
connections, the requests each read brings) is what the server sees, only slower.

``--tool callgrind`` counts instructions. ``--tool cachegrind`` also simulates the caches and
the branch predictors (valgrind's model of this machine's caches, not the real hardware: use
the two servers' figures against each other, not as cycles).

    bench/.venv/bin/python -m bench.load_counts --servers expresspy-httptools,uvicorn-httptools
    bench/.venv/bin/python -m bench.load_counts --tool cachegrind --connections 50

Needs the harness's installs (run `python -m bench --plan` once) and valgrind.
"""

from __future__ import annotations

import argparse
import re
import signal
import subprocess
import tempfile
from pathlib import Path

from bench.__main__ import hold_run_lock
from bench.process import free_port, start, wait_listening
from bench.servers import Server, expresspy_servers, peer_servers
from bench.setup_env import CACHE_DIR, Env, ensure_all

CACHEGRIND_EVENTS = [
    "Ir",
    "I1mr",
    "ILmr",
    "Dr",
    "D1mr",
    "DLmr",
    "Dw",
    "D1mw",
    "DLmw",
    "Bc",
    "Bcm",
    "Bi",
    "Bim",
]
SHOWN = {
    "Ir": "instructions",
    "I1mr": "L1i misses",
    "D1mr": "L1d read misses",
    "D1mw": "L1d write misses",
    "Bcm": "conditional mispredicts",
    "Bim": "indirect mispredicts",
}


def counted_run(
    server: Server, env: Env, tool: str, seconds: float, connections: int, workload: str
) -> tuple[dict[str, int], int]:
    """Run ``server`` under valgrind with wrk load for ``seconds``: (event totals, requests)."""
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "events.out"
        options = (
            [f"--callgrind-out-file={out}"]
            if tool == "callgrind"
            else [f"--cachegrind-out-file={out}", "--cache-sim=yes", "--branch-sim=yes"]
        )
        command = ["valgrind", f"--tool={tool}", *options, *server.command(env, port)]
        extra = {**server.env(env), "BENCH_WORKLOAD": workload, "BENCH_HANDLERS": "async"}
        running = start(command, port, extra, None, CACHE_DIR / "logs" / "load_counts.log")
        try:
            if not wait_listening(running, timeout=300):
                raise RuntimeError(f"{server.name} did not start:\n{running.log_tail()}")
            result = subprocess.run(
                [
                    env.wrk,
                    "-t1",
                    f"-c{connections}",
                    f"-d{seconds:g}s",
                    "--timeout",
                    "30s",
                    f"http://127.0.0.1:{port}/",
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            served = int(re.search(r"(\d+) requests in", result.stdout).group(1))  # type: ignore[union-attr]
        finally:
            # SIGINT: the servers shut down and valgrind writes its totals
            running.process.send_signal(signal.SIGINT)
            running.process.wait(300)
            running.log_file.close()
        return totals(out.read_text(errors="replace"), tool), served


def totals(text: str, tool: str) -> dict[str, int]:
    """The event totals of a callgrind or cachegrind output file."""
    if tool == "callgrind":
        found = re.search(r"^(?:summary|totals): (\d+)", text, re.MULTILINE)
        assert found, "no totals in the callgrind output"
        return {"Ir": int(found.group(1))}
    found = re.search(r"^summary: (.*)$", text, re.MULTILINE)
    assert found, "no summary in the cachegrind output"
    return dict(zip(CACHEGRIND_EVENTS, map(int, found.group(1).split()), strict=True))


def per_request(server: Server, env: Env, args: argparse.Namespace) -> dict[str, float]:
    """Events per request: the long run minus the short one, over the extra requests."""
    short, short_served = counted_run(
        server, env, args.tool, args.seconds, args.connections, args.workload
    )
    long, long_served = counted_run(
        server, env, args.tool, 3 * args.seconds, args.connections, args.workload
    )
    extra = long_served - short_served
    return {name: (long[name] - short[name]) / extra for name in short}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", default="expresspy-httptools,uvicorn-httptools")
    parser.add_argument("--workload", default="hello", choices=["hello", "session"])
    parser.add_argument("--tool", default="callgrind", choices=["callgrind", "cachegrind"])
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument(
        "--seconds",
        type=float,
        default=8.0,
        help="the short run's load; the long one is three times as long",
    )
    args = parser.parse_args()
    lock = hold_run_lock()  # noqa: F841 - one harness invocation at a time (it may reinstall)
    env = ensure_all()
    known = {server.name: server for server in [*expresspy_servers(env)[0], *peer_servers()]}
    for name in args.servers.split(","):
        counts = per_request(known[name], env, args)
        shown = ", ".join(
            f"{label} {counts[key]:,.0f}" for key, label in SHOWN.items() if key in counts
        )
        print(f"{name} {args.workload} c={args.connections}: {shown} per request", flush=True)


if __name__ == "__main__":
    main()
