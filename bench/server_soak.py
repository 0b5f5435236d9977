"""Issue 8: sustained load with zero errors and flat memory.

wrk (CPU 1, 50 connections) drives the hello-world app on the built-in server (CPU 0) for
``--seconds`` (60 by default) while this script samples the server's RSS every second. The
server's default limits stay on, so wrk also reconnects every 1,000 requests
(``max_requests_per_connection``): connection churn is part of the run. Reported: requests,
errors (socket errors and non-2xx answers), and RSS at the start, the end, its range, and the
slope over the second half of the run (KiB per minute: about zero when memory is flat).

    python bench/server_soak.py --seconds 60
    python bench/server_soak.py --server-args "--max-requests-per-connection 100000000"
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import time

from server_proc import WrkResult, cpu_model, load_average, rss_kib, server


def slope_kib_per_minute(samples: list[tuple[float, int]]) -> float:
    """Least-squares slope of RSS (KiB) over time, per minute."""
    n = len(samples)
    if n < 2:
        return 0.0
    mean_t = sum(t for t, _ in samples) / n
    mean_r = sum(r for _, r in samples) / n
    num = sum((t - mean_t) * (r - mean_r) for t, r in samples)
    den = sum((t - mean_t) ** 2 for t, _ in samples)
    return 60 * num / den if den else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="expresspy-httptools")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--server-args", default="", help="extra server flags, space-separated")
    args = parser.parse_args()
    print(f"# {time.strftime('%Y-%m-%d %H:%M')}  {cpu_model()}  load {load_average()}")
    cmd = ["wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "5s"]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "1", *cmd]
    with server(args.server, cpu=0, extra=args.server_args.split()) as srv:
        samples: list[tuple[float, int]] = []
        start = time.monotonic()
        wrk = subprocess.Popen(
            [*cmd, f"http://127.0.0.1:{srv.port}/"], stdout=subprocess.PIPE, text=True
        )
        try:
            while wrk.poll() is None and time.monotonic() - start < args.seconds + 30:
                samples.append((time.monotonic() - start, rss_kib(srv.pid)))
                time.sleep(1.0)
            out, _ = wrk.communicate(timeout=30)
        finally:
            if wrk.poll() is None:
                wrk.kill()
                wrk.wait()
    result = WrkResult.parse(out)
    rss = [r for _, r in samples]
    half = [s for s in samples if s[0] >= args.seconds / 2]
    print(
        f"server {args.server}: {result.requests} requests in {args.seconds} s "
        f"({result.rps:.0f} req/s), errors {result.errors}, non-2xx {result.non2xx}"
    )
    print(
        f"RSS (MiB): start {rss[0] / 1024:.1f}, end {rss[-1] / 1024:.1f}, "
        f"min {min(rss) / 1024:.1f}, max {max(rss) / 1024:.1f}; second-half slope "
        f"{slope_kib_per_minute(half):+.0f} KiB/min over {len(samples)} samples"
    )
    tenths = [rss[min(len(rss) - 1, len(rss) * i // 10)] / 1024 for i in range(11)]
    print("RSS at each tenth of the run (MiB): " + " ".join(f"{r:.1f}" for r in tenths))


if __name__ == "__main__":
    main()
