"""Install what the harness needs, idempotently: wrk, a venv with the Python peers, Node's Express.

Nothing goes into the system Python: the peers live in ``bench/.venv`` (git-ignored) and the
Node packages in ``~/.cache/expresspy-bench/node``. Each step is skipped when its stamp matches.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
CACHE_DIR = Path(os.environ.get("EXPRESSPY_BENCH_CACHE", Path.home() / ".cache/expresspy-bench"))


@dataclass(frozen=True)
class Env:
    """Where the installed tools are."""

    python: Path
    """The bench venv's interpreter (peers, expresspy's dependencies, matplotlib)."""
    node_dir: Path
    """The folder whose ``node_modules`` holds express and express-session."""
    wrk: str
    """The wrk executable."""

    @property
    def node_modules(self) -> Path:
        """The ``node_modules`` folder to put on ``NODE_PATH``."""
        return self.node_dir / "node_modules"


def log(message: str) -> None:
    """Print a progress line of the installer."""
    print(f"[setup] {message}", flush=True)


def run(cmd: list[str], cwd: Path | None = None) -> None:
    """Run an install command, failing loudly with its output when it fails."""
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"command failed: {' '.join(cmd)}\n{done.stdout}\n{done.stderr}")


def fingerprint(*parts: str) -> str:
    """A short hash of the inputs of an install step, stored in its stamp file."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def stamp_matches(stamp: Path, value: str) -> bool:
    """Whether an install step already ran with these inputs."""
    return stamp.exists() and stamp.read_text().strip() == value


def ensure_wrk() -> str:
    """Return the wrk executable, installing it from the system packages when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("wrk is missing: install it (apt-get install wrk) or run as root")
    log("installing wrk with apt-get")
    run(["apt-get", "update", "-qq"])
    run(["apt-get", "install", "-y", "-qq", "wrk"])
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("apt-get installed wrk but it is not on PATH")
    return found


#: The extras whose stores the session-store workloads use.
STORE_EXTRAS = ("redis", "postgres")


def expresspy_requirements() -> list[str]:
    """expresspy's runtime dependencies and its store extras, read from pyproject.toml (the
    app runs from source)."""
    with open(REPO_ROOT / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    extras = project.get("optional-dependencies", {})
    return [*project["dependencies"], *(r for name in STORE_EXTRAS for r in extras.get(name, []))]


def ensure_venv(venv: Path) -> Path:
    """Create the bench venv with the peers and expresspy's dependencies; return its python."""
    python = venv / "bin" / "python"
    requirements = BENCH_DIR / "requirements.txt"
    extra = expresspy_requirements()
    value = fingerprint(requirements.read_text(), *extra, sys.version)
    stamp = venv / ".bench-stamp"
    if python.exists() and stamp_matches(stamp, value):
        return python
    log(f"creating venv {venv} (peers from {requirements.name})")
    # --clear: a venv left by another Python (the harness runs on the one that starts it)
    run([sys.executable, "-m", "venv", "--clear", str(venv)])
    run([str(python), "-m", "pip", "install", "-q", "-r", str(requirements), *extra])
    stamp.write_text(value)
    return python


def ensure_node(node_dir: Path) -> Path:
    """Install express and express-session (versions in bench/node/package.json) into node_dir."""
    if not shutil.which("node") or not shutil.which("npm"):
        raise SystemExit("node and npm are needed for the Express peer (Node 20)")
    manifest = (BENCH_DIR / "node" / "package.json").read_text()
    value = fingerprint(manifest)
    stamp = node_dir / ".bench-stamp"
    if (node_dir / "node_modules").is_dir() and stamp_matches(stamp, value):
        return node_dir
    log(f"installing express and express-session into {node_dir}")
    node_dir.mkdir(parents=True, exist_ok=True)
    (node_dir / "package.json").write_text(manifest)
    run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=node_dir)
    stamp.write_text(value)
    return node_dir


def ensure_all(venv: Path | None = None, node_dir: Path | None = None) -> Env:
    """Install everything the harness needs and say where it is."""
    return Env(
        python=ensure_venv(venv or BENCH_DIR / ".venv"),
        node_dir=ensure_node(node_dir or CACHE_DIR / "node"),
        wrk=ensure_wrk(),
    )


def python_versions(python: Path, packages: list[str]) -> dict[str, str]:
    """Versions of ``packages`` in the venv of ``python`` (``"missing"`` for absent ones)."""
    code = (
        "import importlib.metadata as m, json, sys\n"
        "def v(p):\n"
        "    try:\n        return m.version(p)\n"
        "    except m.PackageNotFoundError:\n        return 'missing'\n"
        "print(json.dumps({'python': sys.version.split()[0], **{p: v(p) for p in sys.argv[1:]}}))"
    )
    out = subprocess.run([str(python), "-c", code, *packages], capture_output=True, text=True)
    return dict(json.loads(out.stdout))


def node_versions(node_modules: Path, packages: list[str]) -> dict[str, str]:
    """Versions of node itself and of ``packages`` installed in ``node_modules``."""
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    found = {"node": node.lstrip("v")}
    for name in packages:
        manifest = node_modules / name / "package.json"
        exists = manifest.exists()
        found[name] = json.loads(manifest.read_text())["version"] if exists else "missing"
    return found


def wrk_version(wrk: str) -> str:
    """wrk's own version line (wrk prints it with its usage text)."""
    out = subprocess.run([wrk, "--version"], capture_output=True, text=True)
    first = (out.stdout or out.stderr).splitlines()
    return first[0].split(" Copyright")[0] if first else "unknown"


def versions(env: Env) -> dict[str, str]:
    """Versions of every measured component, for the results file and docs page."""
    python = python_versions(
        env.python,
        ["h11", "uvicorn", "starlette", "httptools", "flask", "werkzeug", "gunicorn", "matplotlib"],
    )
    interpreter = (
        subprocess.run(
            [
                str(env.python),
                "-c",
                "import platform; "
                "print(platform.python_implementation(), "
                "platform.python_version())",
            ],
            capture_output=True,
            text=True,
        ).stdout.strip()
        or "unknown"
    )
    return {
        "python": interpreter,
        **python,
        **node_versions(env.node_modules, ["express", "express-session"]),
        "wrk": wrk_version(env.wrk),
    }


if __name__ == "__main__":
    installed = ensure_all()
    print(json.dumps(versions(installed), indent=2))
