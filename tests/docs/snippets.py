"""Find the Python code blocks of the docs, and run a page's blocks in a fresh interpreter.

A block is a fence opened with ```python or ```py. A block right after the HTML comment
`<!-- no-run -->` (a fragment that cannot run alone) is left out. A page's blocks run in
order in one namespace, as a reader would type them into one session, each in a child
process started by `run_page`, with the working directory a fresh temporary folder.

In that process `Application.listen` serves the app with the real server on a free port,
calls the callback, and returns instead of blocking, so a block ending in `app.listen(3000)`
runs and is checked to start.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NO_RUN = "<!-- no-run -->"
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)\s*(?P<lang>[\w+-]*)[^\n]*$")
PYTHON = {"python", "py", "python3"}

# The environment a block runs in: what the docs tell readers to set before running them.
SNIPPET_ENV = {
    "SESSION_SECRET": "a-secret-only-for-running-the-docs",
    "EXPRESSPY_ENV": "test",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


@dataclass(frozen=True)
class Block:
    """One runnable code block: where it is, and its code (dedented to the fence)."""

    page: str
    line: int
    code: str

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def pages() -> list[Path]:
    """README.md and every page of docs/, in a stable order."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def blocks_of(path: Path) -> list[Block]:
    """The runnable Python blocks of one Markdown file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    previous = ""
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            if lines[i].strip():
                previous = lines[i].strip()
            i += 1
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        end = i + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        if opening["lang"].lower() in PYTHON and previous != NO_RUN:
            code = "\n".join(line[indent:] for line in lines[i + 1 : end])
            found.append(Block(str(path.relative_to(ROOT)), i + 1, code + "\n"))
        previous = fence
        i = end + 1
    return found


def run_page(blocks: list[Block], timeout: float = 120.0) -> dict[str, str | None]:
    """Run a page's blocks in order in one child interpreter: block id -> error text or None.

    A block that never reports (the process died or timed out) gets the process's output.
    """
    payload = json.dumps([{"id": b.id, "code": b.code} for b in blocks])
    env = {
        **os.environ,
        **SNIPPET_ENV,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    with tempfile.TemporaryDirectory(prefix="expresspy-docs-") as cwd:
        try:
            done = subprocess.run(
                [sys.executable, str(Path(__file__).with_name("runner.py"))],
                input=payload,
                capture_output=True,
                text=True,
                cwd=cwd,
                env=env,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            return {
                b.id: f"timed out after {timeout} s:\n{exc.stdout!s}\n{exc.stderr!s}"
                for b in blocks
            }
    results: dict[str, str | None] = {}
    for line in done.stdout.splitlines():
        if line.startswith("@@result "):
            record = json.loads(line[len("@@result ") :])
            results[record["id"]] = record["error"]
    missing = f"no result (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return {b.id: results.get(b.id, missing) for b in blocks}
