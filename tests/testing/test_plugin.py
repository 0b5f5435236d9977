"""The pytest plugin, run in a separate pytest session (pytester)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

TEST_MODULE = """
import pytest
from tests.testing.apps import CountingLifespanApp, cookie_app, fixed

APP = CountingLifespanApp()

@pytest.fixture
def app():
    return fixed(200, [("Content-Type", "text/plain")], b"fixture app")

def test_client_fixture(expresspy_client):
    expresspy_client.get("/").expect(200, "fixture app")

def test_request_and_agent_fixtures(expresspy_request, expresspy_agent):
    expresspy_request(APP).get("/").expect(200)
    a = expresspy_agent(cookie_app)
    a.get("/login").end()
    a.get("/me").expect("sid=abc; theme=dark")

def test_previous_test_was_shut_down() -> None:
    assert (APP.startups, APP.shutdowns) == (1, 1)

def test_failing_expectation_reports_the_request(expresspy_request, app):
    expresspy_request(app).get("/there").expect(201)
"""


def test_fixtures_and_cleanup(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makepyfile(test_ported=TEST_MODULE)
    # The generated module imports this folder's apps as the package ``testing``.
    monkeypatch.syspath_prepend(str(Path(__file__).parent.parent))
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "--rootdir", ".", "-o", "addopts="
    )
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(['*GET /there: expected 201 "Created", got 200 "OK"*'])
