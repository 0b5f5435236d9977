"""Each corpus app answers its scenario, translated, as it does in Node (see corpus.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from expresspy.cli import main
from tests.compat.harness import Server, node_tools_missing
from tests.compat.replay import Script, Step, compare, load_script, replay, views

from .corpus import (
    CORPUS_DIR,
    NOT_RUN,
    SCENARIOS_DIR,
    corpus_apps,
    node_copy,
    start,
    translate,
)

SCRIPTS = [
    script
    for path in sorted(SCENARIOS_DIR.glob("*.json"))
    for script in load_script(path)
    if script.app not in NOT_RUN
]
CASES = [(script, step) for script in SCRIPTS for step in script.steps]
IDS = [f"{sc.name}:{sc.steps.index(st) + 1:02d}-{st.name}" for sc, st in CASES]

Recording = tuple[list[dict[str, str]], list[dict[str, str]], Server]


@pytest.fixture(scope="module")
def recordings(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[Script], Recording]]:
    """Replays each scenario once against both sides; servers stop when the module ends."""
    reason = node_tools_missing()
    if reason is not None:
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("ported")
    logs = tmp_path_factory.mktemp("port-logs")
    servers: list[Server] = []
    cache: dict[str, Recording | Exception] = {}

    def record(script: Script) -> Recording:
        if script.name not in cache:
            try:
                node = start("express", script.app, node_copy(script.app, out), logs)
                servers.append(node)
                python = start("expresspy", script.app, translate(script.app, out), logs)
                servers.append(python)
                cache[script.name] = (
                    views(script, replay(script, node.port)),
                    views(script, replay(script, python.port)),
                    python,
                )
            except (RuntimeError, AssertionError) as exc:
                cache[script.name] = exc
        found = cache[script.name]
        if isinstance(found, Exception):
            pytest.fail(str(found), pytrace=False)
        return found

    yield record
    for server in servers:
        server.stop()


@pytest.mark.parametrize(("script", "step"), CASES, ids=IDS)
def test_translation_answers_as_node(
    script: Script, step: Step, recordings: Callable[[Script], Recording]
) -> None:
    """The translated app answers this step exactly as the Node original does."""
    node_views, python_views, python = recordings(script)
    index = script.steps.index(step)
    theirs, ours = node_views[index], python_views[index]
    if "error" in theirs:
        pytest.fail(f"Node failed: {theirs['error']}", pytrace=False)
    if step.expect_status is not None:
        assert theirs["status"] == str(step.expect_status), f"Node answered {theirs}"
    problems = compare(script.name, step.name, theirs, ours, [])
    if problems:
        pytest.fail(
            f"{step.method} {step.path} ({step.note or 'no note'}) differs:\n"
            + "\n".join(problems)
            + f"\n--- python log ---\n{python.log_tail(15)}",
            pytrace=False,
        )


def test_every_corpus_app_has_a_scenario() -> None:
    """An app without a scenario would be translated but never compared."""
    scenarios = {p.stem for p in SCENARIOS_DIR.glob("*.json")}
    assert set(corpus_apps()) <= scenarios | set(NOT_RUN)


def test_check_passes_over_the_whole_corpus() -> None:
    """`expresspy port --check` finds no TODO and no syntax error in any corpus app."""
    paths = [str(CORPUS_DIR / app) for app in corpus_apps()]
    result = CliRunner().invoke(main, ["port", *paths, "--check"])
    assert result.exit_code == 0, result.output
    assert " 0 TODOs" in result.output


def test_check_writes_nothing(tmp_path: Path) -> None:
    """--check translates in memory only."""
    app = tmp_path / "app.js"
    app.write_text("const express = require('express');\nconst app = express();\n")
    result = CliRunner().invoke(main, ["port", str(app), "--check"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "app.py").exists()
