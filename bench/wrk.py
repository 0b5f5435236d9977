"""Run wrk against a server, pinned to the client CPU, and read its result line.

The Lua sent to wrk is the workload's own script followed by lua/report.lua, whose ``done``
hook prints one JSON line, so no human-readable output is parsed.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import asdict, dataclass

from bench.process import pinned
from bench.workloads import LUA_DIR, Workload

RESULT_MARK = "BENCH_RESULT "
WRK_TIMEOUT = "5s"
"""wrk's per-request timeout: a slower answer counts as a timeout error."""


@dataclass(frozen=True)
class Sample:
    """One wrk run: throughput, latency percentiles (ms) and error counts."""

    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    requests: int
    errors: dict[str, int]

    def as_dict(self) -> dict[str, object]:
        """The sample as plain JSON data."""
        return asdict(self)


def script_for(workload: Workload) -> str:
    """The full wrk Lua for ``workload``: its own part, then the reporting hook."""
    return workload.lua + "\n" + (LUA_DIR / "report.lua").read_text()


def parse(output: str) -> Sample:
    """The sample from wrk's output (raises ValueError when the result line is missing)."""
    for line in output.splitlines():
        if line.startswith(RESULT_MARK):
            raw = json.loads(line[len(RESULT_MARK) :])
            seconds = raw["duration_us"] / 1e6
            return Sample(
                rps=raw["requests"] / seconds if seconds else 0.0,
                p50_ms=raw["p50_us"] / 1000,
                p90_ms=raw["p90_us"] / 1000,
                p99_ms=raw["p99_us"] / 1000,
                max_ms=raw["max_us"] / 1000,
                requests=raw["requests"],
                errors=raw["errors"],
            )
    raise ValueError(f"no {RESULT_MARK.strip()} line in wrk output:\n{output[-2000:]}")


def run_wrk(
    wrk: str, url: str, workload: Workload, connections: int, seconds: float, cpu: int | None
) -> Sample:
    """Load ``url`` with ``connections`` connections for ``seconds``, from one wrk thread."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="bench-") as script:
        script.write(script_for(workload))
        script.flush()
        cmd = [
            wrk,
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            WRK_TIMEOUT,
            "-s",
            script.name,
            url,
        ]
        done = subprocess.run(
            pinned(cmd, cpu), capture_output=True, text=True, timeout=seconds + 30
        )
    return parse(done.stdout + done.stderr)
