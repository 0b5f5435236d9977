"""What a user installing from a package index gets: the built sdist and wheel.

Both are built from this checkout with ``python -m build`` (an isolated build, as pip does it),
then opened and checked: the licence is declared in the SPDX form and shipped, the test suite
does not leak into the sdist, and the wheel carries ``py.typed`` and the ``expresspy`` script.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from email.message import Message
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder holding a freshly built sdist and wheel of this checkout."""
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out


def _sdist_names(dist: Path) -> list[str]:
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        return [name.split("/", 1)[1] for name in archive.getnames() if "/" in name]


def _wheel_metadata(dist: Path) -> tuple[list[str], Message]:
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (meta_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = Parser().parsestr(archive.read(meta_name).decode("utf-8"))
    return names, meta


def test_the_sdist_holds_the_package_and_licence_but_not_the_tests(dist: Path) -> None:
    names = _sdist_names(dist)
    assert "LICENSE" in names
    assert "expresspy/__init__.py" in names
    leaked = [n for n in names if n.split("/")[0] in {"tests", "bench", "examples", "docs"}]
    assert leaked == []


def test_the_wheel_declares_an_spdx_licence_and_the_supported_pythons(dist: Path) -> None:
    names, meta = _wheel_metadata(dist)
    assert meta["License-Expression"] == "MIT"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    classifiers = meta.get_all("Classifier") or []
    for version in ("3.10", "3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert meta["Requires-Python"] == ">=3.10"


def test_the_wheel_is_typed_and_installs_the_command(dist: Path) -> None:
    names, _ = _wheel_metadata(dist)
    assert "expresspy/py.typed" in names
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert "expresspy = expresspy.cli:main" in archive.read(entry_points).decode()


def test_the_long_description_has_no_links_that_break_on_a_package_index(dist: Path) -> None:
    """A package index shows the README without the repository around it, so a relative link
    (``[x](docs/x.md)``) would lead nowhere there: every link target must be an absolute URL."""
    _, meta = _wheel_metadata(dist)
    description = meta.get_payload()
    assert isinstance(description, str) and "expresspy" in description
    targets = re.findall(r"\]\(([^)\s]+)\)|\]:\s*(\S+)|href=\"([^\"]+)\"", description)
    relative = [t for group in targets for t in group if t and not t.startswith(("http", "#"))]
    assert relative == []
