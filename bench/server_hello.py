"""Hello world under load: expresspy's server (h11 and httptools) against uvicorn (the same).

Each server is pinned to CPU 0 and wrk to CPU 1 (50 connections, one thread). Servers take
turns, run after run, so a change in the machine's load touches them all alike. Reported per
server: the median req/s with min-max, and the server's CPU microseconds per request (its
user+system time over the requests served: steadier than req/s on a shared machine).

    python bench/server_hello.py --runs 5 --seconds 5
    python bench/server_hello.py --servers expresspy-httptools --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import time

from server_proc import SERVERS, cpu_model, cpu_seconds, load_average, server, wrk


def measure(name: str, seconds: float, warmup: float) -> tuple[float, float, int]:
    """(req/s, CPU µs per request, errors) of one run of ``name``."""
    with server(name) as srv:
        wrk(srv.port, warmup)
        before = cpu_seconds(srv.pid)
        result = wrk(srv.port, seconds)
        used = cpu_seconds(srv.pid) - before
    return result.rps, used * 1e6 / max(1, result.requests), result.errors + result.non2xx


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    args = parser.parse_args()
    names = args.servers.split(",")
    print(f"# {time.strftime('%Y-%m-%d %H:%M')}  {cpu_model()}  load {load_average()}")
    results: dict[str, list[tuple[float, float, int]]] = {n: [] for n in names}
    for _ in range(args.runs):
        for name in names:
            results[name].append(measure(name, args.seconds, args.warmup))
    print(f"# after: load {load_average()}")
    print(f"{'server':22} {'req/s median':>12} {'min-max':>15} {'cpu µs/req':>10} {'errors':>6}")
    for name in names:
        rps = [r[0] for r in results[name]]
        cpu = [r[1] for r in results[name]]
        errors = sum(r[2] for r in results[name])
        print(
            f"{name:22} {statistics.median(rps):12.0f} {min(rps):7.0f}-{max(rps):<7.0f} "
            f"{statistics.median(cpu):10.1f} {errors:6d}"
        )


if __name__ == "__main__":
    main()
