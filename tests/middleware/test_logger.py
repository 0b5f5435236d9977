"""logger(): morgan's formats, tokens, escaping and outputs."""

from __future__ import annotations

import io
import logging
import re
from typing import Any

import pytest

from expresspy import express
from expresspy.middleware import logger
from expresspy.middleware.logger import token
from expresspy.testing import request


def logged_app(*args: Any, **kwargs: Any) -> tuple[Any, io.StringIO]:
    stream = io.StringIO()
    app = express()
    app.use(logger(*args, stream=stream, **kwargs))
    app.get("/", lambda req, res: res.send("hello"))
    app.get("/missing", lambda req, res: res.status(404).send("nope"))
    app.get("/boom", lambda req, res: res.status(503).end())
    app.get("/moved", lambda req, res: res.redirect("/"))
    return app, stream


def test_tiny() -> None:
    app, stream = logged_app("tiny")
    request(app).get("/?a=1").expect(200)
    assert re.fullmatch(r"GET /\?a=1 200 5 - \d+\.\d{3} ms\n", stream.getvalue())


@pytest.mark.parametrize(
    ("path", "color", "status"),
    [("/", 32, 200), ("/moved", 36, 302), ("/missing", 33, 404), ("/boom", 31, 503)],
)
def test_dev_colours_status(
    path: str, color: int, status: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    app, stream = logged_app("dev")
    request(app).get(path).expect(status)
    pattern = (
        rf"\x1b\[0mGET {re.escape(path)} \x1b\[{color}m{status}\x1b\[0m "
        r"\d+\.\d{3} ms - (\d+|-)\x1b\[0m\n"
    )
    assert re.fullmatch(pattern, stream.getvalue()), repr(stream.getvalue())


def test_dev_without_colour_when_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app, stream = logged_app("dev")
    request(app).get("/").expect(200)
    assert re.fullmatch(r"GET / 200 \d+\.\d{3} ms - 5\n", stream.getvalue())


def test_combined() -> None:
    app, stream = logged_app("combined")
    request(app).get("/").set("User-Agent", "tester/1").set("Referer", "http://r/").set(
        "Authorization", "Basic dG9iaTpzZWNyZXQ="
    ).expect(200)
    pattern = (
        r"127\.0\.0\.1 - tobi \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000\] "
        r'"GET / HTTP/1\.1" 200 5 "http://r/" "tester/1"\n'
    )
    assert re.fullmatch(pattern, stream.getvalue()), stream.getvalue()


def test_common_and_short_use_dash_for_missing_values() -> None:
    app, stream = logged_app("common")
    request(app).get("/").expect(200)
    assert re.fullmatch(r'127\.0\.0\.1 - - \[[^\]]+\] "GET / HTTP/1\.1" 200 5\n', stream.getvalue())
    app, stream = logged_app("short")
    request(app).get("/").expect(200)
    assert re.fullmatch(
        r"127\.0\.0\.1 - GET / HTTP/1\.1 200 5 - \d+\.\d{3} ms\n", stream.getvalue()
    )


def test_custom_format_and_token_arguments() -> None:
    app, stream = logged_app(":method :req[x-id] :res[content-type] :response-time[0] :date[iso]")
    request(app).get("/").set("X-Id", "abc").expect(200)
    assert re.fullmatch(
        r"GET abc text/html; charset=utf-8 \d+ "
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\n",
        stream.getvalue(),
    )


def test_values_are_escaped_so_lines_cannot_be_forged() -> None:
    app, stream = logged_app(':method ":user-agent"')
    request(app).get("/").set("User-Agent", 'a"b\\c\x7fd').expect(200)
    assert stream.getvalue() == 'GET "a\\"b\\\\c\\u007fd"\n'


def test_registered_token() -> None:
    token("who", lambda req, res, arg: f"user-{arg}")
    app, stream = logged_app(":who[7] :status")
    request(app).get("/").expect(200)
    assert stream.getvalue() == "user-7 200\n"


def test_unknown_token_fails_at_construction() -> None:
    with pytest.raises(ValueError, match="unknown token :nope"):
        logger(":nope")


def test_format_function_and_skip() -> None:
    app, stream = logged_app(
        lambda tokens, req, res: (
            None if req.path == "/missing" else f"{req.method} {res.status_code}"
        ),
        skip=lambda req, res: res.status_code >= 500,
    )
    request(app).get("/").expect(200)
    request(app).get("/missing").expect(404)
    request(app).get("/boom").expect(503)
    assert stream.getvalue() == "GET 200\n"


def test_immediate_logs_before_the_response() -> None:
    app, stream = logged_app(":method :url :status", immediate=True)
    request(app).get("/").expect(200)
    assert stream.getvalue() == "GET / -\n"


def test_through_python_logging(caplog: pytest.LogCaptureFixture) -> None:
    app = express()
    app.use(logger("tiny", log="expresspy.access"))
    app.get("/", lambda req, res: res.send("hi"))
    with caplog.at_level(logging.INFO, logger="expresspy.access"):
        request(app).get("/").expect(200)
    assert [r.name for r in caplog.records] == ["expresspy.access"]
    assert caplog.records[0].getMessage().startswith("GET / 200 2 - ")
