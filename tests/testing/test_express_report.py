"""tests/express/report.py: file mapping, junit reading and the report's numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.express import report

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest">
<testcase classname="tests.express.test_res_status" name="test_a" />
<testcase classname="tests.express.test_res_status" name="test_b[x]" />
<testcase classname="tests.express.test_res_status" name="test_b[y]">
  <failure message="no"/></testcase>
<testcase classname="tests.express.test_res_status" name="test_c">
  <skipped type="pytest.xfail" message="issue 9: later"/></testcase>
<testcase classname="tests.express.session.test_cookie" name="test_d" />
</testsuite></testsuites>
"""


@pytest.mark.parametrize(
    ("upstream", "port"),
    [
        ("res.send.js", "test_res_send.py"),
        ("res.sendStatus.js", "test_res_send_status.py"),
        ("req.acceptsCharsets.js", "test_req_accepts_charsets.py"),
        ("Router.js", "test_router.py"),
        ("acceptance/error-pages.js", "acceptance/test_error_pages.py"),
    ],
)
def test_port_name(upstream: str, port: str) -> None:
    assert report.port_name(upstream) == port


def test_read_junit_folds_parameters_and_sees_xfail(tmp_path: Path) -> None:
    junit = tmp_path / "r.xml"
    junit.write_text(JUNIT)
    outcomes = report.read_junit(junit)
    status = outcomes["tests/express/test_res_status.py"]
    assert status.passed == {"test_a": True, "test_b": False, "test_c": False}
    assert status.xfailed == {"test_c"}
    assert outcomes["tests/express/session/test_cookie.py"].passed == {"test_d": True}


def test_ported_functions_counts_module_and_class_tests(tmp_path: Path) -> None:
    source = tmp_path / "test_x.py"
    source.write_text(
        "def test_a(): pass\nasync def test_b(): pass\ndef helper(): pass\n"
        "class TestGroup:\n    def test_c(self): pass\n"
    )
    assert sorted(report.ported_functions(source)) == ["test_a", "test_b", "test_c"]
    assert report.ported_functions(tmp_path / "missing.py") == []


def test_row_remaining_and_render() -> None:
    row = report.FileRow(
        "express",
        "res.get.js",
        "tests/express/test_res_get.py",
        3,
        ported=1,
        passing=1,
        not_ported=1,
    )
    assert row.remaining == 1
    text = report.render(
        [row], [{"file": "res.get.js", "case": "res x", "reason": "JS only"}], all_files=False
    )
    lines = text.splitlines()
    assert lines[2].split() == ["res.get.js", "3", "1", "1", "0", "1", "1"]
    assert lines[4].split() == ["total", "3", "1", "1", "0", "1", "1"]
    assert "  res.get.js: res x\n      JS only" in text


def test_render_warns_about_too_many_tests() -> None:
    row = report.FileRow("express", "a.js", "tests/express/test_a.py", 1, ported=2)
    assert "one test per `it`" in report.render([row], [], all_files=True)


def test_the_data_files_agree() -> None:
    rows = report.build_rows({}, report.load_not_ported())
    assert sum(row.upstream for row in rows) > 1000
    known = {row.upstream_file for row in rows if row.suite == "express"}
    for case in report.load_not_ported():
        assert case["file"] in known or case["file"].startswith("express-session/")
        assert case["reason"].strip()
