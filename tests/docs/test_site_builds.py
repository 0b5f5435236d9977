"""The documentation site builds with `mkdocs build --strict`, and its nav lists every page.

--strict turns every warning into a failure: a link to a missing page or anchor, a nav entry
for a file that does not exist. Needs the `docs` extra (mkdocs, mkdocs-material).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

yaml = pytest.importorskip("yaml", reason="needs the docs extra: pip install -e '.[docs]'")
pytest.importorskip("mkdocs", reason="needs the docs extra: pip install -e '.[docs]'")
pytest.importorskip("material", reason="needs the docs extra: pip install -e '.[docs]'")


def nav_files(entries: list[Any]) -> list[str]:
    """Every file named in a (nested) mkdocs nav."""
    files: list[str] = []
    for entry in entries:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        files.extend(nav_files(value) if isinstance(value, list) else [value])
    return files


def test_nav_lists_every_page() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    listed = set(nav_files(config["nav"]))
    pages = {path.name for path in (ROOT / "docs").glob("*.md")}
    assert pages - listed == set(), "pages missing from mkdocs.yml's nav"
    assert listed - pages == set(), "nav entries without a page"


def test_site_builds_strictly(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "index.html").is_file()
    assert (tmp_path / "porting" / "index.html").is_file()
