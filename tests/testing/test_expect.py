"""supertest's .expect() forms, their order, and the exact wording of their failures."""

from __future__ import annotations

import re
from typing import Any

import pytest

from expresspy.testing import TestResponse, request

from .apps import fixed

json_app = fixed(200, [("Content-Type", "application/json; charset=utf-8")], b'{"name":"tobi"}')
html_app = fixed(200, [("Content-Type", "text/html; charset=utf-8")], b"<p>hey</p>")
missing = fixed(404, [("Content-Type", "text/plain")], b"Cannot GET /nope")
cookies = fixed(200, [("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2; Path=/")])
teapot = fixed(799, [])


def message_of(fn: object) -> str:
    assert callable(fn)
    with pytest.raises(AssertionError) as info:
        fn()
    return str(info.value)


def test_status_passes_and_chains() -> None:
    test = request(html_app).get("/").expect(200).expect(200, "<p>hey</p>")
    assert test.status == 200


def test_status_failure_names_request_and_shows_body() -> None:
    message = message_of(lambda: request(missing).get("/nope").expect(200))
    assert message == (
        'GET /nope: expected 200 "OK", got 404 "Not Found"\nresponse body: \'Cannot GET /nope\''
    )


def test_status_of_unknown_code_reads_undefined_as_in_node() -> None:
    message = message_of(lambda: request(teapot).get("/").expect(200))
    assert message == 'GET /: expected 200 "OK", got 799 "undefined"'


def test_status_list() -> None:
    request(missing).get("/").expect([200, 404])
    message = message_of(lambda: request(missing).get("/").expect([200, 201]))
    assert message.startswith('GET /: expected one of "200, 201", got 404 "Not Found"')


def test_status_and_body_text() -> None:
    message = message_of(lambda: request(html_app).get("/").expect(200, "<p>ho</p>"))
    assert message == "GET /: expected '<p>ho</p>' response body, got '<p>hey</p>'"


def test_body_text_alone() -> None:
    request(html_app).get("/").expect("<p>hey</p>")


def test_body_regex() -> None:
    request(html_app).get("/").expect(re.compile(r"<p>\w+</p>"))
    message = message_of(lambda: request(html_app).get("/").expect(re.compile("^hey")))
    assert message == "GET /: expected body '<p>hey</p>' to match /^hey/"


def test_body_dict_compares_parsed_json() -> None:
    request(json_app).get("/").expect({"name": "tobi"}).expect(200, {"name": "tobi"})
    message = message_of(lambda: request(json_app).get("/").expect({"name": "loki"}))
    assert message == "GET /: expected {'name': 'loki'} response body, got {'name': 'tobi'}"


def test_body_list_is_strict_about_type() -> None:
    message = message_of(lambda: request(json_app).get("/").expect(["tobi"]))
    assert message == "GET /: expected ['tobi'] response body, got {'name': 'tobi'}"


def test_body_bytes_compares_content() -> None:
    request(html_app).get("/").expect(b"<p>hey</p>")


def test_empty_body_text() -> None:
    request(fixed(204, [])).get("/").expect(204, "")


def test_header_value() -> None:
    request(html_app).get("/").expect("content-type", "text/html; charset=utf-8")
    message = message_of(lambda: request(html_app).get("/").expect("Content-Type", "text/plain"))
    assert message == (
        'GET /: expected "Content-Type" of "text/plain", got "text/html; charset=utf-8"'
    )


def test_header_number_compares_as_text() -> None:
    request(fixed(200, [("Content-Length", "0")])).get("/").expect("Content-Length", 0)


def test_header_regex() -> None:
    request(html_app).get("/").expect("Content-Type", re.compile("html"))
    json_pattern = re.compile("json")
    message = message_of(lambda: request(html_app).get("/").expect("Content-Type", json_pattern))
    assert message == (
        'GET /: expected "Content-Type" matching /json/, got "text/html; charset=utf-8"'
    )


def test_missing_header() -> None:
    message = message_of(lambda: request(html_app).get("/").expect("ETag", "x"))
    assert message == 'GET /: expected "ETag" header field'


def test_repeated_set_cookie_reads_as_node_joins_it() -> None:
    request(cookies).get("/").expect("Set-Cookie", "a=1; Path=/,b=2; Path=/")


def test_callable_receives_the_response() -> None:
    seen: list[TestResponse] = []
    request(html_app).get("/").expect(seen.append)
    assert seen[0].text == "<p>hey</p>"


def test_callable_failing_assert() -> None:
    def check(response: TestResponse) -> None:
        assert response.status == 201, "wanted created"

    with pytest.raises(AssertionError) as info:
        request(html_app).get("/").expect(check)
    assert str(info.value).startswith("GET /: wanted created")
    assert isinstance(info.value.__cause__, AssertionError)


def test_callable_returning_an_exception_fails() -> None:
    message = message_of(lambda: request(html_app).get("/").expect(lambda r: ValueError("bad")))
    assert message == "GET /: bad"


def test_callable_other_errors_propagate_unchanged() -> None:
    with pytest.raises(KeyError):
        request(html_app).get("/").expect(lambda r: {}["x"])  # type: ignore[index]


def test_expectations_run_in_order_first_failure_wins() -> None:
    test = request(missing).get("/")
    message = message_of(lambda: test.expect("Content-Type", "text/plain").expect(500).expect(404))
    assert message.startswith('GET /: expected 500 "Internal Server Error"')


def test_request_is_sent_once_however_many_expectations() -> None:
    calls: list[int] = []
    inner = fixed(200, [], b"x")

    async def counting(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            calls.append(1)
        await inner(scope, receive, send)

    test = request(counting).get("/").expect(200).expect("x").expect(200, "x")
    assert test.text == "x"
    assert calls == [1]


def test_bad_expect_arguments_fail_loudly() -> None:
    with pytest.raises(TypeError, match="unsupported expect"):
        request(html_app).get("/").expect("Content-Type", ["x"])
