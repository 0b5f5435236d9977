"""EXPRESSPY_ENV, with Node's NODE_ENV as the fallback, everywhere the environment matters.

A deployment set up for the Node original (NODE_ENV=production) must run the port as
production: no tracebacks on error pages, the view cache on, the startup line saying so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from expresspy import express
from expresspy.environment import environment, in_production
from expresspy.testing import request
from tests.server.proc import expresspy, write_app


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXPRESSPY_ENV", raising=False)
    monkeypatch.delenv("NODE_ENV", raising=False)


@pytest.mark.parametrize(
    ("expresspy_env", "node_env", "expected"),
    [
        (None, None, "development"),
        (None, "production", "production"),
        ("test", "production", "test"),
        ("", "production", "production"),  # set but empty counts as unset
        ("staging", None, "staging"),
    ],
)
def test_the_first_variable_set_wins(
    monkeypatch: pytest.MonkeyPatch, expresspy_env: str | None, node_env: str | None, expected: str
) -> None:
    for name, value in (("EXPRESSPY_ENV", expresspy_env), ("NODE_ENV", node_env)):
        if value is not None:
            monkeypatch.setenv(name, value)
    assert environment() == expected
    assert in_production() == (expected == "production")
    app = express()
    assert app.get("env") == expected
    assert app.get("view cache") == (expected == "production")


def _failing_app() -> object:
    app = express()

    def fail(req: object, res: object) -> None:
        raise RuntimeError("secret detail")

    app.get("/", fail)
    return app


def test_node_env_production_hides_tracebacks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NODE_ENV", "production")
    response = request(_failing_app()).get("/").expect(500)
    assert "secret detail" not in response.text
    assert "Traceback" not in response.text


def test_without_either_variable_tracebacks_show(monkeypatch: pytest.MonkeyPatch) -> None:
    response = request(_failing_app()).get("/").expect(500)
    assert "secret detail" in response.text


def test_the_startup_line_names_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NODE_ENV", "production")
    write_app(tmp_path)
    with expresspy(["run", "app.py", "--port", "0"], tmp_path) as proc:
        line = proc.wait_for(r"listening on \S+ \(.*\)").group(0)
    assert line.endswith("parser, production)")
