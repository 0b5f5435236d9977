"""The servers under test: how to start each one, and which workloads and handler flavours it has.

Every server listens on 127.0.0.1 only, runs one process (gunicorn: one worker) and is pinned
to one CPU by the runner. A flavour is the kind of handler: ``async`` (``async def``),
``sync`` (plain ``def``; expresspy and Starlette run it on a thread pool) or ``js`` (Node).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.apps.common import SQLITE_ROUND_TRIP_WORKLOAD, STORE_WORKLOADS
from bench.setup_env import REPO_ROOT, Env

PLAIN_WORKLOADS = frozenset({"hello", "session", "json", "static", "middleware", "routes"})
"""What every peer runs: the store workloads are for expresspy and Express (their stores)."""
ALL_WORKLOADS = PLAIN_WORKLOADS | frozenset(STORE_WORKLOADS) | {SQLITE_ROUND_TRIP_WORKLOAD}
UVLOOP_WORKLOADS = frozenset({"hello", "session"})
"""What the uvloop variants run: the loop's share shows on these; the rest would only add time."""

Command = Callable[[Env, int], list[str]]


@dataclass(frozen=True)
class Server:
    """A server and framework pair, with what it can run."""

    name: str
    description: str
    command: Command
    flavours: tuple[str, ...]
    workloads: frozenset[str] = PLAIN_WORKLOADS
    unsupported: frozenset[tuple[str, str]] = frozenset()
    """(workload, flavour) pairs the framework cannot express."""
    env: Callable[[Env], dict[str, str]] = field(default=lambda env: {})

    def flavours_for(self, workload: str, flavoured: bool) -> list[str]:
        """The flavours to run ``workload`` with (one when flavour makes no difference)."""
        if workload not in self.workloads:
            return []
        usable = [f for f in self.flavours if (workload, f) not in self.unsupported]
        return usable if flavoured else usable[:1]


def expresspy_cli_help(env: Env) -> str | None:
    """The help text of ``expresspy run``, or ``None`` when the CLI is not ready yet."""
    try:
        done = subprocess.run(
            [str(env.python), "-m", "expresspy", "run", "--help"],
            cwd=REPO_ROOT,
            env=python_env(env),
            capture_output=True,
            text=True,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0 or "--port" not in done.stdout:
        return None
    return done.stdout


def python_env(env: Env) -> dict[str, str]:
    """Environment for the Python servers: the repository on the path, no .pyc noise."""
    return {"PYTHONPATH": str(REPO_ROOT), "PYTHONDONTWRITEBYTECODE": "1"}


def expresspy_command(extra: list[str]) -> Command:
    """The command for expresspy's built-in server, with ``extra`` options."""

    def command(env: Env, port: int) -> list[str]:
        return [
            str(env.python),
            "-m",
            "expresspy",
            "run",
            "bench/apps/expresspy_app.py",
            "--port",
            str(port),
            "--no-access-log",
            *extra,
        ]

    return command


def uvicorn_command(http: str, loop: str = "asyncio") -> Command:
    """The command for uvicorn serving the Starlette app with protocol ``http`` on ``loop``."""

    def command(env: Env, port: int) -> list[str]:
        return [
            str(env.python),
            "-m",
            "uvicorn",
            "bench.apps.starlette_app:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--http",
            http,
            "--loop",
            loop,
            "--no-access-log",
            "--log-level",
            "warning",
        ]

    return command


def gunicorn_command(env: Env, port: int) -> list[str]:
    """The command for Flask on one gunicorn gthread worker."""
    return [
        str(env.python),
        "-m",
        "gunicorn",
        "--worker-class",
        "gthread",
        "--workers",
        "1",
        "--threads",
        "8",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "bench.apps.flask_app:app",
    ]


def node_command(env: Env, port: int) -> list[str]:
    """The command for the Node + Express app."""
    return ["node", "bench/apps/express_app.js", str(port)]


def bare_command(env: Env, port: int) -> list[str]:
    """The command for the bare asyncio + h11 loop."""
    return [str(env.python), "bench/apps/bare_h11.py", str(port)]


def expresspy_servers(env: Env) -> tuple[list[Server], str | None]:
    """expresspy's server variants, or none and the reason when its CLI is not ready."""
    help_text = expresspy_cli_help(env)
    if help_text is None:
        return [], "`python -m expresspy run --help` failed: the CLI is not ready yet"
    quiet = ["--log-level", "warning"] if "--log-level" in help_text else []
    if "--http" not in help_text:
        return [
            Server(
                "expresspy",
                "expresspy, built-in server",
                expresspy_command(quiet),
                ("async", "sync"),
                workloads=ALL_WORKLOADS,
                env=python_env,
            )
        ], None
    return [
        Server(
            "expresspy",
            "expresspy, built-in server (h11)",
            expresspy_command([*quiet, "--http", "h11"]),
            ("async", "sync"),
            workloads=ALL_WORKLOADS,
            env=python_env,
        ),
        Server(
            "expresspy-httptools",
            "expresspy, built-in server (httptools)",
            expresspy_command([*quiet, "--http", "httptools"]),
            ("async", "sync"),
            workloads=ALL_WORKLOADS,
            env=python_env,
        ),
        *(
            [
                Server(
                    "expresspy-uvloop",
                    "expresspy, built-in server (httptools, uvloop)",
                    expresspy_command([*quiet, "--http", "httptools", "--loop", "uvloop"]),
                    ("async",),
                    workloads=UVLOOP_WORKLOADS,
                    env=python_env,
                )
            ]
            if "--loop" in help_text
            else []
        ),
    ], None


def peer_servers() -> list[Server]:
    """The peers expresspy is compared with."""
    no_sync_body = frozenset({("json", "sync")})
    return [
        Server(
            "uvicorn-h11",
            "uvicorn --http h11 + Starlette",
            uvicorn_command("h11"),
            ("async", "sync"),
            unsupported=no_sync_body,
            env=python_env,
        ),
        Server(
            "uvicorn-httptools",
            "uvicorn --http httptools + Starlette",
            uvicorn_command("httptools"),
            ("async", "sync"),
            unsupported=no_sync_body,
            env=python_env,
        ),
        Server(
            "uvicorn-uvloop",
            "uvicorn --http httptools --loop uvloop + Starlette",
            uvicorn_command("httptools", "uvloop"),
            ("async",),
            workloads=UVLOOP_WORKLOADS,
            env=python_env,
        ),
        Server(
            "flask-gunicorn",
            "Flask on gunicorn gthread (1 worker, 8 threads)",
            gunicorn_command,
            ("sync",),
            env=python_env,
        ),
        Server(
            "express-node",
            "Node 20 + Express 5 + express-session",
            node_command,
            ("js",),
            # no Node store to match SQLite's (nor its round trip, an expresspy measurement)
            workloads=ALL_WORKLOADS - {"session-sqlite", SQLITE_ROUND_TRIP_WORKLOAD},
            env=lambda env: {"NODE_PATH": str(env.node_modules), "NODE_ENV": "production"},
        ),
        Server(
            "bare-h11",
            "bare asyncio + h11, canned response",
            bare_command,
            ("async",),
            workloads=frozenset({"hello"}),
            env=python_env,
        ),
    ]
