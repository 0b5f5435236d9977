"""A manual tool: translate Express's own examples with `expresspy port`, without edits, and
run the acceptance tests of the hand-ported ones (tests/acceptance) against the translations.

    git clone https://github.com/expressjs/express /tmp/express
    python -m tests.port.express_examples /tmp/express            # a work tree
    python -m tests.port.express_examples /tmp/express.git        # or a bare git directory

It fetches nothing itself (give it a checkout) and is not collected by pytest. For each
folder of examples/express it translates Express's examples/NAME into a scratch copy of this
repository's tests/ and examples/, in place of the hand port, runs
tests/acceptance/test_NAME.py there, and prints one line per example and the count that
passed. `--keep DIR` leaves the scratch copy (translations, pytest logs) in DIR.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Seconds one example's acceptance tests may take (a hanging request waits 30 s per test).
TEST_TIMEOUT = 600


def express_examples(express: Path, into: Path) -> Path:
    """Express's examples/ folder, copied from a work tree or extracted from a git dir."""
    if (express / "examples").is_dir():
        shutil.copytree(express / "examples", into / "examples")
    else:
        into.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", f"--git-dir={express}", "archive", "HEAD", "examples"],
            capture_output=True,
            check=True,
        )
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into / "examples"


def scratch_repository(into: Path) -> Path:
    """A copy of this repository's tests, examples and pyproject.toml to run tests in."""
    for name in ("tests", "examples"):
        shutil.copytree(ROOT / name, into / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", into / "pyproject.toml")
    return into


def measure(name: str, sources: Path, repo: Path) -> tuple[bool, str]:
    """Translate examples/NAME over the hand port in `repo`; run its acceptance tests."""
    target = repo / "examples" / "express" / name
    shutil.rmtree(target)
    translated = subprocess.run(
        [sys.executable, "-m", "expresspy", "port", str(sources / name), "-o", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    (repo / f"port-{name}.log").write_text(translated.stdout + translated.stderr)
    test = f"tests/acceptance/test_{name.replace('-', '_')}.py"
    try:
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
            cwd=repo,
            capture_output=True,
            text=True,
            timeout=TEST_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False, f"no result within {TEST_TIMEOUT} s"
    (repo / f"pytest-{name}.log").write_text(run.stdout + run.stderr)
    lines = run.stdout.strip().splitlines()
    return run.returncode == 0, lines[-1] if lines else run.stderr.strip()[-200:]


def main(argv: list[str] | None = None) -> int:
    """Run the measurement; the exit status is 0 when every example passed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("express", type=Path, help="a checkout of expressjs/express")
    parser.add_argument("--keep", type=Path, help="leave the scratch copy in this folder")
    options = parser.parse_args(argv)
    work = options.keep or Path(tempfile.mkdtemp(prefix="express-examples-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        sources = express_examples(options.express.resolve(), work / "express")
        repo = scratch_repository(work / "repo")
        names = sorted(p.name for p in (ROOT / "examples" / "express").iterdir() if p.is_dir())
        passed = 0
        for name in names:
            ok, summary = measure(name, sources, repo)
            passed += ok
            print(f"{'PASS' if ok else 'FAIL'} {name}: {summary}", flush=True)
        print(f"{passed}/{len(names)} translated examples pass their acceptance tests")
        return 0 if passed == len(names) else 1
    finally:
        if options.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
