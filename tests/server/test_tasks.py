"""Each request runs as its own task in its own context, however the server starts the task.

The checks live in task_checks.py; here they run under this Python (3.11: scheduled tasks) and,
as a script in a small venv, under Python 3.12 (eager tasks), on both request parsers.
"""

from __future__ import annotations

import glob
import hashlib
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from . import task_checks
from .conftest import BACKENDS, have_backend

HERE = Path(__file__).resolve().parent
VENV_ROOT = Path.home() / ".cache" / "expresspy-tests"
# What the server needs, at the versions this suite runs with.
SERVER_PACKAGES = ["h11", "httptools", "click", "itsdangerous"]


@pytest.mark.parametrize("http", BACKENDS)
def test_each_request_has_its_own_task_and_context(http: str) -> None:
    if not have_backend(http):
        pytest.fail("httptools is missing: the test extra installs it")
    task_checks.check_each_request_has_its_task_and_context(http)


@pytest.mark.parametrize("http", BACKENDS)
def test_pipelined_burst_is_answered_in_order_with_fresh_contexts(http: str) -> None:
    if not have_backend(http):
        pytest.fail("httptools is missing: the test extra installs it")
    task_checks.check_pipelined_burst_is_answered_in_order(http)


def _python_312_or_later() -> str | None:
    """An interpreter of Python 3.12 or later on this machine (PATH, then pyenv's folders)."""
    for name in ("python3.13", "python3.12"):
        found = shutil.which(name)
        if found and subprocess.run([found, "-c", ""], capture_output=True).returncode == 0:
            return found
    candidates = sorted(glob.glob(str(Path.home() / ".pyenv/versions/3.1[2-9]*/bin/python3")))
    return candidates[-1] if candidates else None


def _server_venv(python: str) -> Path:
    """A venv for ``python`` holding the server's dependencies, cached by their versions."""
    pins = [f"{name}=={version(name)}" for name in SERVER_PACKAGES]
    key = hashlib.sha256(" ".join([python, *pins]).encode()).hexdigest()[:12]
    venv = VENV_ROOT / f"server-{key}"
    interpreter = venv / "bin" / "python"
    ready = venv / ".installed"  # written last: a venv whose install failed is made again
    if not ready.exists():
        subprocess.run([python, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(interpreter), "-m", "pip", "install", "-q", *pins], check=True,
                       capture_output=True)
        ready.write_text(" ".join(pins))
    return interpreter


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="this Python already runs eager tasks")
def test_the_checks_pass_with_eager_tasks_on_python_312() -> None:
    python = _python_312_or_later()
    assert python is not None, (
        "no Python 3.12+ found (PATH or ~/.pyenv/versions): install one, e.g. `pyenv install "
        "3.12`; the eager-task start of the server is only exercised there")
    interpreter = _server_venv(python)
    result = subprocess.run([str(interpreter), str(HERE / "task_checks.py")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok: Python 3.1"), result.stdout
    assert "h11, httptools" in result.stdout
