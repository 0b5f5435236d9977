"""``python -m bench``: install the peers, measure every server on every workload, report.

Examples::

    python -m bench --quick                        # short smoke run (1 round, 2 s per point)
    python -m bench --servers expresspy,uvicorn-h11 --workloads hello,session
    python -m bench --docs                         # full run, then docs/benchmarks.md + chart
    python -m bench --report bench/results/X.json  # re-report a saved run (and --docs)
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench import machine, report
from bench.runner import Options, Results, estimate_seconds, plan, run_plan
from bench.servers import Server, expresspy_servers, peer_servers
from bench.setup_env import BENCH_DIR, CACHE_DIR, REPO_ROOT, Env, ensure_all, versions
from bench.workloads import DEFAULT_WORKLOADS, WORKLOADS, write_static_file

RESULTS_DIR = BENCH_DIR / "results"
QUICK = {"duration": 2.0, "warmup": 0.5, "runs": 1}
FULL = {"duration": 10.0, "warmup": 2.0, "runs": 3}
MICRO_CALLS = 5000
"""Calls per timed batch of the micro-benchmark."""


def csv(text: str) -> list[str]:
    """A comma-separated option as a list."""
    return [item.strip() for item in text.split(",") if item.strip()]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--quick", action="store_true", help="smoke run: 1 round of 2 s per point")
    p.add_argument("--servers", type=csv, help="comma list of servers (default: all)")
    p.add_argument(
        "--workloads",
        type=csv,
        help=f"comma list of {', '.join(WORKLOADS)} (default: all but the "
        "session-STORE ones, which need Redis and PostgreSQL running)",
    )
    p.add_argument("--flavours", type=csv, default=None, help="handler kinds: async,sync,js")
    p.add_argument("--connections", type=csv, default=["1", "50"], help="default: 1,50")
    p.add_argument("--duration", type=float, help="seconds per measurement (full: 10)")
    p.add_argument("--warmup", type=float, help="seconds of warm-up per server start (full: 2)")
    p.add_argument("--runs", type=int, help="rounds; req/s is the median over them (full: 3)")
    p.add_argument("--server-cpu", type=int, default=0, help="CPU the server is pinned to")
    p.add_argument("--client-cpu", type=int, default=1, help="CPU wrk is pinned to")
    p.add_argument("--no-pin", action="store_true", help="do not pin (machines with 1 CPU)")
    p.add_argument("--micro", action="store_true", help="also run bench/micro_dispatch.py")
    p.add_argument(
        "--docs",
        action="store_true",
        help="write docs/benchmarks.md and docs/benchmarks.png from the results",
    )
    p.add_argument("--report", type=Path, help="re-report a saved results file, no measuring")
    p.add_argument("--list", action="store_true", help="list servers and workloads, then exit")
    p.add_argument("--plan", action="store_true", help="print the plan and its duration, then exit")
    return p.parse_args(argv)


def options(args: argparse.Namespace, log_dir: Path) -> Options:
    """Measurement options from the flags (--quick or full defaults, flags win)."""
    base = QUICK if args.quick else FULL
    pin = not args.no_pin and (os.cpu_count() or 1) >= 2
    return Options(
        duration=args.duration or base["duration"],
        warmup=args.warmup if args.warmup is not None else base["warmup"],
        runs=args.runs or int(base["runs"]),
        connections=tuple(int(c) for c in args.connections),
        server_cpu=args.server_cpu if pin else None,
        client_cpu=args.client_cpu if pin else None,
        static_dir=write_static_file(CACHE_DIR / "static"),
        log_dir=log_dir,
    )


def select_servers(env: Env, wanted: list[str] | None) -> tuple[list[Server], list[dict[str, str]]]:
    """The servers to run, and those skipped with the reason (expresspy's CLI not ready)."""
    mine, reason = expresspy_servers(env)
    skipped = [{"name": "expresspy", "reason": reason}] if reason else []
    if reason:
        print(f"SKIPPING expresspy: {reason}", flush=True)
    servers = mine + peer_servers()
    if wanted:
        unknown = set(wanted) - {s.name for s in servers} - {s["name"] for s in skipped}
        if unknown:
            raise SystemExit(f"unknown servers: {', '.join(sorted(unknown))}")
        servers = [s for s in servers if s.name in wanted]
    return servers, skipped


def filter_flavours(servers: list[Server], flavours: list[str] | None) -> list[Server]:
    """Restrict every server to the chosen handler flavours (servers left with none drop)."""
    if not flavours:
        return servers
    from dataclasses import replace

    kept = [replace(s, flavours=tuple(f for f in s.flavours if f in flavours)) for s in servers]
    return [s for s in kept if s.flavours]


def results_data(
    servers: list[Server],
    opts: Options,
    env: Env,
    results: Results,
    skipped: list[dict[str, str]],
    started: datetime,
    host: dict[str, object],
) -> dict[str, Any]:
    """The results file's content (``host``: machine.describe() taken before measuring)."""
    return {
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {**host, "load_average_end": machine.load_average()},
        "versions": versions(env),
        "settings": {
            "duration_s": opts.duration,
            "warmup_s": opts.warmup,
            "runs": opts.runs,
            "connections": list(opts.connections),
            "server_cpu": opts.server_cpu,
            "client_cpu": opts.client_cpu,
            "wrk_threads": 1,
        },
        "servers": {
            s.name: {"description": s.description, "flavours": list(s.flavours)} for s in servers
        },
        "workloads": {
            w.name: {"description": w.description, "flavoured": w.flavoured, "path": w.path}
            for w in WORKLOADS.values()
        },
        "samples": results.samples,
        "rss": results.rss,
        "failures": results.failures,
        "skipped": skipped,
    }


def save(data: dict[str, Any], quick: bool, started: datetime) -> Path:
    """Write the JSON and markdown results; quick runs go to the git-ignored raw/ folder."""
    folder = RESULTS_DIR / "raw" if quick else RESULTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{started.strftime('%Y-%m-%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(data, indent=1) + "\n")
    path.with_suffix(".md").write_text(report.markdown(data))
    return path


def run_micro(env: Env) -> list[dict[str, Any]]:
    """Run the in-process dispatch micro-benchmark (both handler kinds) in the bench venv."""
    found = []
    for handlers in ("async", "sync"):
        cmd = [
            str(env.python),
            "-m",
            "bench.micro_dispatch",
            "--json",
            "--handlers",
            handlers,
            "--number",
            str(MICRO_CALLS),
        ]
        done = subprocess.run(
            cmd,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        )
        if done.returncode != 0:
            print(f"micro_dispatch failed:\n{done.stderr[-2000:]}", flush=True)
            continue
        found.append(json.loads(done.stdout))
    return found


def write_docs(env: Env, results_path: Path) -> None:
    """Regenerate docs/benchmarks.png (bench venv's matplotlib) and docs/benchmarks.md."""
    for module in ("bench.chart", "bench.docs_page"):
        subprocess.run(
            [str(env.python), "-m", module, str(results_path)],
            cwd=REPO_ROOT,
            check=True,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        )


def measure(args: argparse.Namespace, env: Env) -> Path | None:
    """Run the selected plan and save it; return the results file (None for ``--plan``)."""
    started, host = datetime.now(timezone.utc), machine.describe()
    servers, skipped = select_servers(env, args.servers)
    servers = filter_flavours(servers, args.flavours)
    workloads = [WORKLOADS[w] for w in (args.workloads or DEFAULT_WORKLOADS)]
    opts = options(args, RESULTS_DIR / "raw" / "logs" / started.strftime("%Y%m%dT%H%M%S"))
    configs = plan(servers, workloads)
    print(
        f"{len(configs)} configurations x {opts.runs} rounds x {len(opts.connections)} "
        f"connection counts; about {estimate_seconds(configs, opts) / 60:.1f} min",
        flush=True,
    )
    if args.plan:
        print("\n".join(f"  {config.label}" for config in configs))
        return None
    clock = time.monotonic()
    results = run_plan(configs, env, opts)
    data = results_data(servers, opts, env, results, skipped, started, host)
    if args.micro:
        data["micro"] = run_micro(env)
    path = save(data, args.quick, started)
    print(f"\nmeasured in {(time.monotonic() - clock) / 60:.1f} min; results: {path}\n")
    print(report.markdown(data))
    return path


def list_all() -> None:
    """Print the servers and workloads the harness knows."""
    for server in peer_servers():
        print(f"server    {server.name:<20} {server.description}")
    print(f"server    {'expresspy':<20} expresspy's built-in server (and expresspy-httptools)")
    for workload in WORKLOADS.values():
        print(f"workload  {workload.name:<20} {workload.description}")


RUN_LOCK = BENCH_DIR / ".run.lock"
"""Held for a whole invocation: a second one would rebuild the venv under the first (when
started by another Python) and share the CPUs it measures on."""


def hold_run_lock() -> Any:
    """Take RUN_LOCK, or exit with a message when another invocation holds it."""
    handle = RUN_LOCK.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        sys.exit(f"another `python -m bench` is running (it holds {RUN_LOCK}); wait for it")
    return handle


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    args = parse_args(argv)
    if args.list:
        list_all()
        return
    lock = hold_run_lock()  # noqa: F841 - held until the process exits
    env = ensure_all()
    path = args.report or measure(args, env)
    if args.report:
        print(report.markdown(report.load(args.report)))
    if args.docs and path is not None:
        write_docs(env, path)


if __name__ == "__main__":
    main()
