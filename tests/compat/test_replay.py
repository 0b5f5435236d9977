"""The harness's own rules (no Node needed): script loading, cookies, normalisation, comparison."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from .replay import (
    ABSENT,
    Difference,
    Exchange,
    SessionIds,
    Step,
    compare,
    load_script,
    parse_step,
    sign,
    view,
)
from .replay import CookieJar as Jar

SECRET = "my-secret-key"
SID = "HgChHSe7-zPmymDdrdWMWbiy9AjI4lF7"
DATE = "Thu, 26 Nov 2026 19:07:01 GMT"


def make_step(**raw: object) -> Step:
    """A step as a script file would give it (only the keys the test cares about)."""
    return parse_step({"name": "s", "path": "/", **raw}, 1)


def cookie_value(sid: str = SID, secret: str = SECRET) -> str:
    """express-session's cookie value for an id: s:<id>.<sig>, URL-encoded."""
    return quote("s:" + sign(sid, secret), safe="")


def test_sign_matches_cookie_signature() -> None:
    # What cookie-signature's sign() (the npm package, run in Node) gives for this id and secret:
    # standard base64 alphabet ('+'), padding removed.
    assert sign(SID, SECRET) == SID + ".jtjrHTWidmzWyJ63EJfvhzcH4nO1N+yAsR5OAEdd78E"


def test_session_cookie_is_numbered_and_its_signature_checked() -> None:
    other = "A" * 32
    exchanges = [
        Exchange(
            200,
            "OK",
            [("Date", DATE), ("Set-Cookie", f"connect.sid={cookie_value()}; Path=/; HttpOnly")],
        ),
        Exchange(
            200,
            "OK",
            [("Date", DATE), ("Set-Cookie", f"connect.sid={cookie_value(other)}; Path=/")],
        ),
        Exchange(
            200, "OK", [("Date", DATE), ("Set-Cookie", f"connect.sid={cookie_value()}; Path=/")]
        ),
        Exchange(200, "OK", [("Set-Cookie", f"connect.sid={cookie_value(secret='x')}; Path=/")]),
        Exchange(200, "OK", [("Set-Cookie", f"connect.sid=s:{sign(SID, SECRET)}; Path=/")]),
    ]
    ids = SessionIds()
    shown = [view(e, None, ids, {"*": SECRET})["set-cookie"] for e in exchanges]
    assert shown == [
        "connect.sid=s%3A<sid#1>.<sig:ok>; Path=/; HttpOnly",
        "connect.sid=s%3A<sid#2>.<sig:ok>; Path=/",
        "connect.sid=s%3A<sid#1>.<sig:ok>; Path=/",
        "connect.sid=s%3A<sid#1>.<sig:BAD>; Path=/",
        "connect.sid=s%3A<sid#1>.<sig:ok><not-encoded>; Path=/",
    ]


def test_expires_is_relative_to_the_date_header_unless_fixed() -> None:
    cookies = [
        "a=1; Path=/; Expires=Thu, 26 Nov 2026 19:08:01 GMT",  # Date + 60 s
        "b=1; Path=/; Expires=Thu, 26 Nov 2026 19:08:00 GMT",  # Date + 59 s: same bucket
        "c=1; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT",  # clearing date, kept
        "d=1; Path=/; Expires=Fri, 01 Jan 2100 00:00:00 GMT",  # fixed by the app, kept
        "e=1; Path=/; Expires=tomorrow",
    ]
    exchange = Exchange(200, "OK", [("Date", DATE)] + [("Set-Cookie", c) for c in cookies])
    assert view(exchange, None, SessionIds(), {})["set-cookie"].split("\n") == [
        "a=1; Path=/; Expires=<Date+60s>",
        "b=1; Path=/; Expires=<Date+60s>",
        "c=1; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
        "d=1; Path=/; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
        "e=1; Path=/; Expires=<not an HTTP date: 'tomorrow'>",
    ]


def test_clock_headers_are_compared_to_ten_seconds() -> None:
    # DATE is Unix time 1795720021; 1795720081 is Date + 60 s.
    headers = [
        ("Date", DATE),
        ("X-RateLimit-Reset", "1795720081"),
        ("Retry-After", "59"),
        ("RateLimit", '"5-in-1min"; r=0; t=60'),
        ("RateLimit-Reset", "600"),
        ("RateLimit-Limit", "5"),
    ]
    names = ("x-ratelimit-reset", "retry-after", "ratelimit", "ratelimit-reset", "ratelimit-limit")
    clock = ("x-ratelimit-reset", "retry-after", "ratelimit", "ratelimit-reset")
    shown = view(Exchange(429, "Too Many Requests", headers), None, SessionIds(), {}, names, clock)
    assert [shown[f"header:{name}"] for name in names] == [
        "<Date+60s>",
        "<~60s>",
        '"5-in-1min"; r=0; t=<~60s>',
        "<~600s>",
        "5",
    ]


PAGE = (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n'
    "</head>\n<body>\n<pre>{}</pre>\n</body>\n</html>\n"
)


@pytest.mark.parametrize(
    ("pre", "shape"),
    [
        ("Error: boom<br> &nbsp; &nbsp;at x (a.js:1:2)", "[stack naming 'boom']"),
        (
            "Traceback (most recent call last):<br> &nbsp;File a.py<br>Exception: boom",
            "[stack naming 'boom']",
        ),
        ("Exception: boom", "[NOT a stack naming 'boom']"),
        (
            "Traceback:<br> &nbsp; &nbsp;raise Exception(&quot;boom&quot;)",
            "[NOT a stack naming 'boom']",
        ),
    ],
)
def test_development_error_page_is_compared_by_shape(pre: str, shape: str) -> None:
    body = PAGE.format(pre).encode()
    exchange = Exchange(500, "Internal Server Error", [("Content-Length", str(len(body)))], body)
    shown = view(exchange, "boom", SessionIds(), {})
    assert shown["body"] == PAGE.format(shape)
    assert shown["header:content-length"] == "<length of a stack page>"


def test_without_stack_the_body_and_headers_are_exact() -> None:
    exchange = Exchange(
        404, "Not Found", [("Content-Type", "text/plain"), ("X-Other", "1")], b"nope"
    )
    shown = view(exchange, None, SessionIds(), {})
    assert shown["status"] == "404" and shown["reason"] == "Not Found" and shown["body"] == "nope"
    assert shown["header:content-type"] == "text/plain"
    assert shown["header:etag"] == ABSENT and shown["set-cookie"] == ABSENT
    assert "header:x-other" not in shown


def test_a_listed_difference_must_show_exactly_both_values() -> None:
    diff = Difference("seed", ("get",), {"body": ("Hello, undefined!", "Hello, None!")}, "why")
    express = {"status": "200", "body": "Hello, undefined!"}
    assert compare("seed", "get", express, {"status": "200", "body": "Hello, None!"}, [diff]) == []
    # The listed field changed on one side: reported, with the reason.
    problems = compare("seed", "get", express, {"status": "200", "body": "Hello, nil!"}, [diff])
    assert len(problems) == 1 and "why" in problems[0] and "Hello, nil!" in problems[0]
    # Another field still has to match.
    problems = compare("seed", "get", express, {"status": "201", "body": "Hello, None!"}, [diff])
    assert problems == ["status:\n  Express:   '200'\n  expresspy: '201'"]
    # The entry does not reach other steps.
    assert compare("seed", "set", express, {"status": "200", "body": "Hello, None!"}, [diff])


def test_cookie_jar_keeps_replaces_and_expires() -> None:
    jar = Jar()
    jar.update(Exchange(200, "OK", [("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2")]))
    jar.update(Exchange(200, "OK", [("Set-Cookie", "a=3; Path=/")]))
    jar.update(
        Exchange(200, "OK", [("Set-Cookie", "b=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT")])
    )
    assert jar.header(make_step(), {}) == "a=3"
    assert jar.header(make_step(cookies="none"), {}) is None
    jar.values["connect.sid"] = cookie_value()
    tampered = jar.header(make_step(cookie_override={"connect.sid": {"tamper": True}}), {})
    assert tampered == f"a=3; connect.sid={cookie_value()[:-1]}A"
    resigned = jar.header(make_step(cookie_override={"connect.sid": {"resign": "old"}}), {})
    assert resigned == f"a=3; connect.sid={cookie_value(secret='old')}"
    forged = make_step(cookie_override={"connect.sid": {"signed_sid": SID}}, cookies="none")
    assert jar.header(forged, {"connect.sid": SECRET}) == f"connect.sid={cookie_value()}"


def test_script_with_several_envs_becomes_one_script_per_env(tmp_path: Path) -> None:
    path = tmp_path / "demo.json"
    path.write_text(
        json.dumps(
            {
                "app": "demo",
                "envs": ["development", "production"],
                "compare_headers": ["X-Trail"],
                "steps": [{"name": "a", "path": "/", "json": {"k": 1}}],
            }
        )
    )
    dev, prod = load_script(path)
    assert (dev.name, dev.env, prod.name, prod.env) == (
        "demo@development",
        "development",
        "demo@production",
        "production",
    )
    assert dev.headers[-1] == "x-trail"
    step = dev.steps[0]
    assert step.body == b'{"k":1}' and step.headers == {"Content-Type": "application/json"}


def test_script_errors_are_loud(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"app": "x", "steps": [{"name": "a", "path": "/", "bodyy": "x"}]}))
    with pytest.raises(ValueError, match="unknown keys"):
        load_script(path)
    path.write_text(json.dumps({"app": "x", "steps": [{"name": "a", "path": "/"}] * 2}))
    with pytest.raises(ValueError, match="unique"):
        load_script(path)
