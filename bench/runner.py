"""Run the measurement plan: every (server, workload, flavour) for several rounds.

A round starts each server afresh, checks it answers its workload correctly, warms it up, then
runs wrk once per connection count. Rounds are interleaved (all configurations once, then all
again) so a slow stretch on the machine hits every server rather than one.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bench.process import RunningServer, free_port, start, wait_listening
from bench.servers import Server
from bench.setup_env import Env
from bench.workloads import Workload, fetcher
from bench.wrk import Sample, run_wrk

STARTUP_ESTIMATE = 2.0
"""Seconds a start, check and stop take, for the time estimate."""


@dataclass(frozen=True)
class Config:
    """One server running one workload with one handler flavour."""

    server: Server
    workload: Workload
    flavour: str

    @property
    def label(self) -> str:
        """A short name for progress lines."""
        return f"{self.server.name} {self.workload.name} {self.flavour}"


@dataclass(frozen=True)
class Options:
    """How long and how hard to measure."""

    duration: float
    warmup: float
    runs: int
    connections: tuple[int, ...]
    server_cpu: int | None
    client_cpu: int | None
    static_dir: Path
    log_dir: Path


@dataclass
class Results:
    """Everything measured: raw samples, peak RSS per round, and what could not run."""

    samples: list[dict[str, object]] = field(default_factory=list)
    rss: list[dict[str, object]] = field(default_factory=list)
    failures: list[dict[str, object]] = field(default_factory=list)


def plan(servers: Iterable[Server], workloads: Iterable[Workload]) -> list[Config]:
    """Every configuration to measure, workload by workload."""
    servers = list(servers)
    return [
        Config(server, workload, flavour)
        for workload in workloads
        for server in servers
        for flavour in server.flavours_for(workload.name, workload.flavoured)
    ]


def estimate_seconds(configs: list[Config], opts: Options) -> float:
    """How long the plan will take."""
    per_config = STARTUP_ESTIMATE + opts.warmup + len(opts.connections) * opts.duration
    return len(configs) * per_config * opts.runs


def tag(config: Config, run: int) -> dict[str, object]:
    """The fields that identify a record."""
    return {
        "server": config.server.name,
        "workload": config.workload.name,
        "flavour": config.flavour,
        "run": run,
    }


def launch(config: Config, env: Env, opts: Options) -> RunningServer:
    """Start the server of ``config`` with its workload and flavour in the environment."""
    port = free_port()
    app_env = {
        **config.server.env(env),
        "BENCH_WORKLOAD": config.workload.name,
        "BENCH_HANDLERS": "sync" if config.flavour == "sync" else "async",
        "BENCH_STATIC_DIR": str(opts.static_dir),
    }
    log_path = opts.log_dir / f"{config.label.replace(' ', '-')}.log"
    return start(config.server.command(env, port), port, app_env, opts.server_cpu, log_path)


def measure(config: Config, server: RunningServer, env: Env, opts: Options) -> list[Sample]:
    """Check, warm up and load a started server; one sample per connection count."""
    if not wait_listening(server):
        raise RuntimeError(f"server did not start:\n{server.log_tail()}")
    config.workload.check(fetcher(server.port))
    url = f"http://127.0.0.1:{server.port}{config.workload.path}"
    if opts.warmup > 0:
        run_wrk(env.wrk, url, config.workload, max(opts.connections), opts.warmup, opts.client_cpu)
    return [
        run_wrk(env.wrk, url, config.workload, conns, opts.duration, opts.client_cpu)
        for conns in opts.connections
    ]


def run_once(config: Config, run: int, env: Env, opts: Options, results: Results) -> bool:
    """Measure ``config`` once, adding to ``results``; False (and a failure) if it broke."""
    server = launch(config, env, opts)
    try:
        samples = measure(config, server, env, opts)
        rss = server.peak_rss_kb()
    except Exception as exc:  # a peer misbehaving must not stop the whole run
        results.failures.append({**tag(config, run), "reason": f"{type(exc).__name__}: {exc}"})
        print(f"  FAILED {config.label}: {exc}", flush=True)
        return False
    finally:
        server.stop()
    for conns, sample in zip(opts.connections, samples, strict=True):
        results.samples.append({**tag(config, run), "connections": conns, **sample.as_dict()})
        print(
            f"  {config.label:<38} c={conns:<3} {sample.rps:>9.0f} req/s  "
            f"p50 {sample.p50_ms:7.2f} ms  p99 {sample.p99_ms:7.2f} ms"
            f"{error_note(sample)}",
            flush=True,
        )
    results.rss.append({**tag(config, run), "peak_rss_kb": rss})
    return True


def error_note(sample: Sample) -> str:
    """A warning suffix when wrk counted errors."""
    errors = {k: v for k, v in sample.errors.items() if v}
    return f"  errors {errors}" if errors else ""


def run_plan(configs: list[Config], env: Env, opts: Options) -> Results:
    """Measure every configuration ``opts.runs`` times, interleaving the rounds."""
    results = Results()
    broken: set[str] = set()
    for run in range(1, opts.runs + 1):
        print(f"round {run}/{opts.runs}", flush=True)
        started = time.monotonic()
        for config in configs:
            if config.label not in broken and not run_once(config, run, env, opts, results):
                broken.add(config.label)
        print(f"round {run} took {time.monotonic() - started:.0f} s", flush=True)
    return results
