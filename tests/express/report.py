"""How much of Express's own test suite is ported, and how much of it passes.

    python tests/express/report.py                 # runs the ported suite, then reports
    python tests/express/report.py --junit r.xml   # reports from an earlier pytest run

Per upstream file: the cases in the original (``upstream_counts.json``), the test functions
ported (one per ``it``), how many pass, how many are expected failures (``xfail``: the feature
is not built yet), how many are deliberately not ported (``not_ported.toml``) and how many
remain. Then every deliberately skipped case with its reason.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
COUNTS_FILE = HERE / "upstream_counts.json"
NOT_PORTED_FILE = HERE / "not_ported.toml"


def port_name(upstream_file: str) -> str:
    """``res.sendStatus.js`` → ``test_res_send_status.py``; folders are kept.

    Dots and dashes become underscores and camelCase becomes snake_case, so every upstream
    file has exactly one Python twin.
    """
    folder, _, name = upstream_file.rpartition("/")
    stem = name.removesuffix(".js")
    stem = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", stem).lower()
    stem = re.sub(r"[^a-z0-9]+", "_", stem).strip("_")
    return f"{folder}/test_{stem}.py" if folder else f"test_{stem}.py"


@dataclass
class FileRow:
    """The numbers of one upstream file."""

    suite: str
    upstream_file: str
    port_path: str
    upstream: int
    ported: int = 0
    passing: int = 0
    xfail: int = 0
    not_ported: int = 0

    @property
    def remaining(self) -> int:
        """Cases neither ported nor deliberately left out."""
        return max(self.upstream - self.ported - self.not_ported, 0)


@dataclass
class Outcomes:
    """Per test function (parametrized cases folded together): did it pass, was it xfail."""

    passed: dict[str, bool] = field(default_factory=dict)
    xfailed: set[str] = field(default_factory=set)


def ported_functions(path: Path) -> list[str]:
    """The names of the test functions in a ported file (module level and in classes)."""
    if not path.exists():
        return []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if node.name.startswith("test_"):
            names.append(node.name)
    return names


def read_junit(path: Path) -> dict[str, Outcomes]:
    """Outcomes by test file (``tests/express/test_x.py``) from a pytest junit file."""
    by_file: dict[str, Outcomes] = defaultdict(Outcomes)
    for case in ET.parse(path).getroot().iter("testcase"):
        module = case.get("classname", "")
        function = case.get("name", "").split("[", 1)[0]
        outcome = by_file[_module_file(module)]
        skipped = case.find("skipped")
        failed = case.find("failure") is not None or case.find("error") is not None
        if skipped is not None and skipped.get("type") == "pytest.xfail":
            outcome.xfailed.add(function)
        ok = not failed and skipped is None
        outcome.passed[function] = outcome.passed.get(function, True) and ok
    return by_file


def _module_file(classname: str) -> str:
    # junit classnames are the test's path from the rootdir, dotted, a class name possibly
    # last: keep the module.
    parts = classname.split(".")
    while parts and not parts[-1].startswith("test_"):
        parts.pop()
    return "/".join(parts) + ".py"


def run_suite(junit: Path, port_dirs: Iterable[str]) -> None:
    """Run the ported suite with pytest, writing a junit report; failures are expected."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--junitxml={junit}",
        *port_dirs,
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if not junit.exists():
        output = done.stdout[-2000:] + done.stderr[-2000:]
        raise SystemExit(f"pytest did not run the suite:\n{output}")


def load_not_ported() -> list[dict[str, str]]:
    """The deliberately skipped cases: ``file``, ``case`` and ``reason`` of each."""
    if not NOT_PORTED_FILE.exists():
        return []
    cases: list[dict[str, str]] = tomllib.loads(NOT_PORTED_FILE.read_text("utf-8")).get("case", [])
    return cases


def build_rows(outcomes: dict[str, Outcomes], not_ported: list[dict[str, str]]) -> list[FileRow]:
    """One row per upstream file of every suite in ``upstream_counts.json``."""
    counts = json.loads(COUNTS_FILE.read_text("utf-8"))
    skipped_per_file: dict[str, int] = defaultdict(int)
    for case in not_ported:
        skipped_per_file[case["file"]] += 1
    rows = []
    for suite, info in counts["suites"].items():
        for upstream_file, count in info["files"].items():
            port_path = f"{info['port_dir']}/{port_name(upstream_file)}"
            row = FileRow(suite, upstream_file, port_path, count)
            row.not_ported = skipped_per_file[_key(suite, upstream_file)]
            _fill_ported(row, outcomes.get(port_path, Outcomes()))
            rows.append(row)
    return rows


def _key(suite: str, upstream_file: str) -> str:
    return upstream_file if suite == "express" else f"{suite}/{upstream_file}"


def _fill_ported(row: FileRow, outcome: Outcomes) -> None:
    functions = set(ported_functions(ROOT / row.port_path))
    row.ported = len(functions)
    row.passing = sum(1 for name in functions if outcome.passed.get(name, False))
    row.xfail = sum(1 for name in functions if name in outcome.xfailed)


def render(rows: list[FileRow], not_ported: list[dict[str, str]], all_files: bool) -> str:
    """The report as plain text."""
    header = f"{'upstream file':<40}{'cases':>6}{'ported':>7}{'pass':>6}{'xfail':>6}"
    header += f"{'skip':>6}{'left':>6}"
    lines = [header, "-" * len(header)]
    for row in rows:
        if all_files or row.ported or row.not_ported:
            name = (
                row.upstream_file if row.suite == "express" else f"{row.suite}/{row.upstream_file}"
            )
            lines.append(
                f"{name:<40}{row.upstream:>6}{row.ported:>7}{row.passing:>6}{row.xfail:>6}"
                f"{row.not_ported:>6}{row.remaining:>6}"
            )
    total = FileRow("", "", "", sum(r.upstream for r in rows))
    for attribute in ("ported", "passing", "xfail", "not_ported"):
        setattr(total, attribute, sum(getattr(r, attribute) for r in rows))
    lines.append("-" * len(header))
    lines.append(
        f"{'total':<40}{total.upstream:>6}{total.ported:>7}{total.passing:>6}{total.xfail:>6}"
        f"{total.not_ported:>6}{sum(r.remaining for r in rows):>6}"
    )
    lines += _overflow_warnings(rows)
    if not_ported:
        lines += ["", "Deliberately not ported:"]
        lines += [f"  {c['file']}: {c['case']}\n      {c['reason']}" for c in not_ported]
    return "\n".join(lines)


def _overflow_warnings(rows: list[FileRow]) -> list[str]:
    return [
        f"warning: {row.port_path} has {row.ported} tests + {row.not_ported} skipped for "
        f"{row.upstream} upstream cases: one test per `it`, please"
        for row in rows
        if row.ported + row.not_ported > row.upstream
    ]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--junit", type=Path, help="read this junit xml instead of running")
    parser.add_argument("--all", action="store_true", help="list files with nothing ported")
    args = parser.parse_args(argv)
    junit: Path = args.junit
    if junit is None:
        junit = Path(tempfile.mkdtemp()) / "express.xml"
        counts = json.loads(COUNTS_FILE.read_text("utf-8"))
        dirs = sorted(info["port_dir"] for info in counts["suites"].values())
        # A folder inside another is collected with it; naming both would run it twice.
        tops = [d for d in dirs if not any(d.startswith(o + "/") for o in dirs)]
        run_suite(junit, [d for d in tops if (ROOT / d).exists()])
    not_ported = load_not_ported()
    print(render(build_rows(read_junit(junit), not_ported), not_ported, args.all))
    return 0


if __name__ == "__main__":
    sys.exit(main())
