"""The folders keep matching the dependencies: the import contracts of `.importlinter` hold
(the server imports no framework code, http/ imports nothing of the core, runtime/ knows no
routing, add-ons import no sibling's private modules). See docs/design.md, "Layout"."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept() -> None:
    command = shutil.which("lint-imports")
    assert command is not None, "import-linter is part of the test extra: pip install -e '.[test]'"
    result = subprocess.run(
        [command, "--config", str(ROOT / ".importlinter"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
