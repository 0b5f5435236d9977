"""The version matrix: the whole test suite on every Python that expresspy supports.

``nox`` runs it (``nox -s tests-3.10`` for one version). CI runs one interpreter through
``.ci/run``; this is for a contributor before a change that may depend on the version.
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

#: The interpreters pyproject.toml declares (``requires-python`` and the classifiers).
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]

nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True


def _expose_pyenv_interpreters() -> None:
    """Put every pyenv-installed interpreter on PATH.

    pyenv's shims answer only for the versions selected in ``pyenv global``; nox looks
    interpreters up by name (``python3.10``), so the real ``bin`` folders go on PATH instead.
    """
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if not root.is_dir():
        return
    folders = [str(p / "bin") for p in sorted(root.iterdir()) if (p / "bin").is_dir()]
    os.environ["PATH"] = os.pathsep.join([*folders, os.environ.get("PATH", "")])


_expose_pyenv_interpreters()


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Install the test extras into a fresh virtualenv and run pytest (extra args pass on)."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)
