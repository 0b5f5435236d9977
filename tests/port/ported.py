"""Running a translated project's code in a fresh interpreter, as its user would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.compat.harness import REPO_ROOT

#: Seconds the interpreter may take (imports, a few in-process requests).
RUN_TIMEOUT = 60


def run_python(folder: Path, code: str) -> subprocess.CompletedProcess[str]:
    """`python -c code` in `folder`, with expresspy importable and nothing else of this
    process's environment (so the project's own modules are found from its folder)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
    )
