"""What `expresspy run` says when it cannot start: one clear message, exit status 1.

A syntax error, a missing module or an exception at module level ends `expresspy run` (plain,
--workers, --reload) and `expresspy routes` with the app's own frames and message: none of
click's, the loader's or importlib's frames, which say nothing about the app. A port that is
in use is one line naming the address and the fix, in every mode.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

BROKEN_APPS = {
    "syntax": (
        "from expresspy import express\napp = express()\n\ndef f(:\n    pass\n",
        ['  File "{path}", line 4', "    def f(:", "SyntaxError: invalid syntax"],
    ),
    "import": (
        "from expresspy import express\nimport no_such_helper\napp = express()\n",
        [
            "Traceback (most recent call last):",
            '  File "{path}", line 2, in <module>',
            "    import no_such_helper",
            "ModuleNotFoundError: No module named 'no_such_helper'",
        ],
    ),
    "raises": (
        "import helper\nhelper.connect()\napp = None\n",
        [
            "Traceback (most recent call last):",
            '  File "{path}", line 2, in <module>',
            "    helper.connect()",
            '  File "{helper}", line 2, in connect',
            "    raise RuntimeError('DATABASE_URL is not set')",
            "RuntimeError: DATABASE_URL is not set",
        ],
    ),
}

HELPER = "def connect():\n    raise RuntimeError('DATABASE_URL is not set')\n"

MACHINERY = ("click", "expresspy/cli.py", "expresspy/server", "importlib", "<frozen")
#: The `^^^` markers under a line: where they stand differs between Python versions.
CARETS = re.compile(r"^\s*[\^~]+\s*$")


def _broken_app(folder: Path, kind: str) -> tuple[Path, list[str]]:
    source, expected = BROKEN_APPS[kind]
    app = folder / "app.py"
    app.write_text(source)
    helper = folder / "helper.py"
    helper.write_text(HELPER)
    return app, [line.format(path=app, helper=helper) for line in expected]


def _expresspy(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "expresspy", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if not CARETS.match(line)]


@pytest.mark.parametrize("kind", sorted(BROKEN_APPS))
@pytest.mark.parametrize("mode", [[], ["--reload"]], ids=["plain", "reload"])
def test_run_shows_only_the_apps_frames(tmp_path: Path, kind: str, mode: list[str]) -> None:
    app, expected = _broken_app(tmp_path, kind)
    done = _expresspy(["run", "app.py", "--port", "0", *mode], tmp_path)
    assert done.returncode == 1
    assert _lines(done.stderr) == ["Error: cannot import app.py:", *expected]
    assert str(app) in done.stderr


@pytest.mark.parametrize("kind", sorted(BROKEN_APPS))
def test_workers_log_only_the_apps_frames(tmp_path: Path, kind: str) -> None:
    _, expected = _broken_app(tmp_path, kind)
    done = _expresspy(["run", "app.py", "--port", "0", "--workers", "2"], tmp_path)
    assert done.returncode == 1
    lines = _lines(done.stderr)
    start = next(
        i
        for i, line in enumerate(lines)
        if line.endswith("ERROR cannot load the app: cannot import app.py:")
    )
    assert lines[start + 1 : start + 1 + len(expected)] == expected
    assert not [line for line in lines if any(word in line for word in MACHINERY)]


def test_routes_shows_only_the_apps_frames(tmp_path: Path) -> None:
    _, expected = _broken_app(tmp_path, "raises")
    done = _expresspy(["routes", "app.py"], tmp_path)
    assert done.returncode == 1
    assert _lines(done.stderr) == ["Error: cannot import app.py:", *expected]


def test_a_module_target_that_fails_inside_shows_its_frames(tmp_path: Path) -> None:
    package = tmp_path / "webpkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "web.py").write_text("from webpkg import missing_part\napp = None\n")
    done = _expresspy(["run", "webpkg.web:app", "--port", "0"], tmp_path)
    assert done.returncode == 1
    lines = _lines(done.stderr)
    assert lines[0] == "Error: cannot import webpkg.web:"
    assert lines[-1].startswith("ImportError: cannot import name 'missing_part' from 'webpkg'")
    assert not [line for line in lines if any(word in line for word in MACHINERY)]


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port another server is listening on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield int(other.getsockname()[1])


@pytest.mark.parametrize(
    "mode", [[], ["--workers", "2"], ["--reload"]], ids=["plain", "workers", "reload"]
)
def test_a_port_in_use_is_one_line(tmp_path: Path, taken_port: int, mode: list[str]) -> None:
    (tmp_path / "app.py").write_text(
        "from expresspy import express\napp = express()\n"
        "app.get('/', lambda req, res: res.send('hi'))\n"
    )
    done = _expresspy(["run", "app.py", "--port", str(taken_port), *mode], tmp_path)
    assert done.returncode == 1
    assert done.stderr == (
        f"error: 127.0.0.1:{taken_port} is in use (another server?); pick another with --port\n"
    )
