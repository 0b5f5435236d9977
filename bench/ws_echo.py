"""WebSocket benchmark: echo round trips per second and memory per idle socket, for expresspy
(built-in server) against uvicorn + Starlette and Node + ws, in one run.

    python -m bench.ws_echo [--seconds 5] [--connections 1,50] [--idle 1000]

Each server runs as one process pinned to CPU 0; the load generator (Node + ws, so the client
is not what is measured) is pinned to CPU 1. Echo: CONNECTIONS sockets each send a 32-byte
text message and wait for its echo, again and again, for SECONDS; the result is round trips
per second. Idle: IDLE sockets are opened and held; the server's resident memory (VmRSS)
after, minus before, divided by IDLE is the memory per idle socket.

Needs Node with ws (the compat tests' npm cache, installed on first use) and uvicorn +
Starlette in the running Python (`pip install uvicorn starlette`); a peer whose pieces are
missing is reported as skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.process import RunningServer, free_port, pinned, start, wait_listening

HERE = Path(__file__).resolve().parent / "ws"
SERVER_CPU, CLIENT_CPU = 0, 1


@dataclass(frozen=True)
class Peer:
    """One server under test: how to start it on a port."""

    name: str
    description: str

    def command(self, port: int) -> list[str]:
        if self.name.startswith("expresspy"):
            http = self.name.rsplit("-", 1)[-1]
            return [
                sys.executable,
                "-m",
                "expresspy",
                "run",
                str(HERE / "expresspy_echo.py"),
                "--port",
                str(port),
                "--http",
                http,
                "--no-access-log",
            ]
        if self.name == "uvicorn-starlette":
            return [
                sys.executable,
                "-m",
                "uvicorn",
                "--app-dir",
                str(HERE),
                "--port",
                str(port),
                "--no-access-log",
                "--log-level",
                "warning",
                "starlette_echo:app",
            ]
        return ["node", str(HERE / "ws_echo.js")]


PEERS = [
    Peer("expresspy-h11", "expresspy app.ws, built-in server (h11 for the handshake)"),
    Peer("expresspy-httptools", "expresspy app.ws, built-in server (httptools)"),
    Peer("uvicorn-starlette", "Starlette WebSocketRoute on uvicorn (websockets protocol)"),
    Peer("node-ws", "Node 20 + ws 8 WebSocketServer"),
]


def node_modules() -> Path:
    """The npm cache of the compat tests (it pins ws 8.23.1)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.compat.harness import ensure_node_modules

    return ensure_node_modules()


def load(
    mode: str, port: int, connections: int, seconds: float, modules: Path
) -> subprocess.Popen[str]:
    env = {**os.environ, "NODE_PATH": str(modules)}
    return subprocess.Popen(
        pinned(
            [
                "node",
                str(HERE / "load.js"),
                mode,
                f"ws://127.0.0.1:{port}/echo",
                str(connections),
                str(seconds),
            ],
            CLIENT_CPU,
        ),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def server_pid(server: RunningServer) -> int:
    """The serving process (taskset execs it, so the pid is the server's own)."""
    return server.process.pid


def measure(
    peer: Peer, args: argparse.Namespace, modules: Path, log_dir: Path
) -> dict[str, object]:
    port = free_port()
    env = {"PORT": str(port), "NODE_PATH": str(modules), "EXPRESSPY_ENV": "production"}
    server = start(peer.command(port), port, env, SERVER_CPU, log_dir / f"{peer.name}.log")
    try:
        if not wait_listening(server):
            return {"error": "did not start: " + server.log_tail()}
        result: dict[str, object] = {}
        for connections in args.connections:
            warm = load("echo", port, connections, 1, modules)
            warm.communicate(timeout=60)
            client = load("echo", port, connections, args.seconds, modules)
            out, err = client.communicate(timeout=args.seconds + 60)
            if client.returncode != 0:
                return {"error": err[-500:]}
            data = json.loads(out)
            result[f"echo/s @{connections}"] = round(data["round_trips"] / data["seconds"])
        time.sleep(0.5)
        before = rss_kb(server_pid(server))
        holder = load("idle", port, args.idle, 4, modules)
        assert holder.stdout is not None
        line = holder.stdout.readline().strip()
        if line != "OPEN":
            holder.kill()
            return {
                **result,
                "error": "idle sockets: " + (holder.stderr.read() if holder.stderr else "")[-500:],
            }
        time.sleep(1.0)
        after = rss_kb(server_pid(server))
        holder.wait(30)
        result["KiB per idle socket"] = round((after - before) / args.idle, 1)
        result["RSS with idle sockets (MiB)"] = round(after / 1024, 1)
        return result
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument(
        "--connections", type=lambda s: [int(x) for x in s.split(",")], default=[1, 50]
    )
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--only", default="", help="comma-separated peer names")
    args = parser.parse_args()
    modules = node_modules()
    wanted = set(args.only.split(",")) if args.only else None
    results = {}
    with tempfile.TemporaryDirectory(prefix="ws-bench-") as logs:
        for peer in PEERS:
            if wanted is not None and peer.name not in wanted:
                continue
            print(f"measuring {peer.name} ...", file=sys.stderr, flush=True)
            results[peer.name] = measure(peer, args, modules, Path(logs))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
