"""Differential tests: every step of every script, answered by Express and by expresspy.

One test per (script, step). The steps of a script share a cookie jar, so the whole script is
replayed once per side (on first use) and each test compares its own step's two responses.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import AGAINST, Recording
from .replay import Script, Step, compare, load_differences, load_scripts

SCRIPTS = load_scripts()
DIFFERENCES = load_differences()
CASES = [(script, step) for script in SCRIPTS for step in script.steps]
IDS = [f"{sc.name}:{sc.steps.index(st) + 1:02d}-{st.name}" for sc, st in CASES]


@pytest.mark.parametrize(("script", "step"), CASES, ids=IDS)
def test_step_matches_express(
    script: Script, step: Step, record: Callable[[Script], Recording]
) -> None:
    """expresspy answers this step as Express does, up to the listed deliberate differences."""
    express_views, other_views, express, other = record(script)
    index = script.steps.index(step)
    theirs, ours = express_views[index], other_views[index]
    if "error" in theirs:
        pytest.fail(f"Express failed: {theirs['error']}\n{express.log_tail()}", pytrace=False)
    if step.expect_status is not None:
        # Guards the script itself: the step exercises what its note says Express does.
        assert theirs["status"] == str(step.expect_status), f"Express answered {theirs}"
    # The self-check (Express against Express) must match exactly, with no listed differences.
    differences = DIFFERENCES if AGAINST == "expresspy" else []
    problems = compare(script.name, step.name, theirs, ours, differences)
    if problems:
        detail = "\n".join(problems)
        pytest.fail(
            f"{step.method} {step.path} ({step.note or 'no note'}) differs:\n{detail}\n"
            f"--- {other.runtime} log tail ---\n{other.log_tail(15)}",
            pytrace=False,
        )


def test_every_difference_names_a_real_step_and_field() -> None:
    """A differences.toml entry that matches nothing is stale and must go."""
    steps = {(sc.name, st.name) for sc in SCRIPTS for st in sc.steps}
    for diff in DIFFERENCES:
        runs = [sc for sc in SCRIPTS if diff.script in (sc.name, sc.name.partition("@")[0])]
        assert runs, diff
        for step in diff.steps:
            assert step == "*" or all((sc.name, step) in steps for sc in runs), (step, diff)
        fields = {"status", "reason", "body", "set-cookie"}
        fields.update(f"header:{h}" for sc in runs for h in sc.headers)
        assert diff.fields and set(diff.fields) <= fields, diff
        assert diff.reason.strip(), diff
