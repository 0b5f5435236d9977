"""The port corpus: small Express apps in tutorial styles (corpus/NAME/app.js), each with a
request scenario (scenarios/NAME.json, tests/compat's script format). Each app runs twice: in
Node as written, and translated by `expresspy port` into a temporary folder and run by Python;
tests/compat's replay machinery sends the scenario to both and compares the answers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from expresspy.port import port
from tests.compat.harness import (
    PORT_ATTEMPTS,
    PORT_TAKEN,
    REPO_ROOT,
    STARTUP_TIMEOUT,
    Server,
    ensure_node_modules,
    free_port,
)

PORT_DIR = Path(__file__).resolve().parent
CORPUS_DIR = PORT_DIR / "corpus"
SCENARIOS_DIR = PORT_DIR / "scenarios"
LOOPBACK = PORT_DIR / "loopback.js"

#: Apps translated and --check'ed but not run against Node, with the reason (none today).
NOT_RUN: dict[str, str] = {}


def corpus_apps() -> list[str]:
    """The corpus apps by name."""
    return sorted(p.name for p in CORPUS_DIR.iterdir() if (p / "app.js").is_file())


def node_copy(app: str, out: Path) -> Path:
    """A copy of corpus/APP for Node, with the pinned node_modules linked in.

    ES modules resolve packages from a node_modules folder beside them (NODE_PATH is for
    CommonJS only), so Node runs a copy, never the corpus folder itself.
    """
    target = out / "node" / app
    shutil.copytree(CORPUS_DIR / app, target, copy_function=shutil.copy2)
    (target / "node_modules").symlink_to(ensure_node_modules(), target_is_directory=True)
    _whole_millisecond_mtimes(target)
    return target


def translate(app: str, out: Path) -> Path:
    """Translate corpus/APP into out/APP; returns the folder (fails on any TODO or error)."""
    target = out / "python" / app
    result = port([CORPUS_DIR / app], out=target, force=True)
    problems = [todo.comment() for todo in result.todos] + result.errors
    if problems:
        raise AssertionError(f"{app}: the translation is not complete:\n" + "\n".join(problems))
    _whole_millisecond_mtimes(target)
    return target


def _whole_millisecond_mtimes(folder: Path) -> None:
    """Give the app's static files whole-millisecond mtimes before they are copied.

    Node's fs rounds a fractional millisecond (the ETag of express.static shows it), while
    expresspy.http.etag.file_etag truncates it: a framework difference reported separately,
    kept out of the port comparison. Only the temporary copies are touched.
    """
    for path in folder.rglob("*"):
        parts = path.relative_to(folder).parts
        if "public" in parts and "node_modules" not in parts and path.is_file():
            seconds = int(path.stat().st_mtime)
            os.utime(path, (seconds, seconds))


def start(runtime: str, app: str, folder: Path, log_dir: Path) -> Server:
    """Run corpus app `app` in Node ("express") or its translation in Python ("expresspy")."""
    for _attempt in range(PORT_ATTEMPTS):
        server = _spawn(runtime, app, folder, log_dir)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline and server.alive():
            if server.ready():
                return server
            time.sleep(0.05)
        server.stop()
        if not any(sign in server.log_tail() for sign in PORT_TAKEN):
            break
    raise RuntimeError(f"{runtime} corpus app {app} did not start:\n{server.log_tail()}")


def _spawn(runtime: str, app: str, folder: Path, log_dir: Path) -> Server:
    port_number = free_port()
    env = {
        **os.environ,
        "PORT": str(port_number),
        "NODE_ENV": "development",
        "EXPRESSPY_ENV": "development",
        "NO_COLOR": "1",
    }
    if runtime == "express":
        env["NODE_PATH"] = str(ensure_node_modules())
        command = ["node", "--require", str(LOOPBACK), "app.js"]
    else:
        path = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
        env.update(PYTHONPATH=path, PYTHONUNBUFFERED="1")
        command = [sys.executable, "app.py"]
    fd, log_name = tempfile.mkstemp(prefix=f"{runtime}-{app}-", suffix=".log", dir=log_dir)
    log = os.fdopen(fd, "wb")
    process = subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    return Server(runtime, app, "development", port_number, command, process, Path(log_name), log)
