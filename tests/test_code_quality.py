"""The tree stays ruff-clean and ruff-formatted, the package and its tests mypy-clean (strict):
checked in the suite so CI gates on it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_ruff_is_clean() -> None:
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_applied() -> None:
    result = _run("ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    # `mypy` alone checks what pyproject's [tool.mypy] names: expresspy/ and tests/. Its
    # incremental cache (.mypy_cache) makes a run after a small change take seconds.
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
