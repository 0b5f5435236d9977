"""Describe the machine a run happened on: CPU, cores, memory, kernel, load, source revision."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

from bench.setup_env import REPO_ROOT


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gb() -> float:
    """Total memory in GiB, from /proc/meminfo."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024 / 1024, 1)
    return 0.0


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages (other work on the machine skews results)."""
    return [round(x, 2) for x in os.getloadavg()]


def source_revision() -> str:
    """The commit the measured expresspy source is at (read-only git query)."""
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown"


def describe() -> dict[str, object]:
    """Everything above, as JSON data."""
    return {
        "cpu_model": cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": memory_gb(),
        "kernel": platform.release(),
        "load_average_start": load_average(),
        "revision": source_revision(),
    }
