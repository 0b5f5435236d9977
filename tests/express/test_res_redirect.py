"""Port of Express 5 test/res.redirect.js."""

from __future__ import annotations

import re
from typing import Any

from expresspy.testing import request, should_not_have_body, should_not_have_header

from .support import app_with

GOOGLE = "http://google.com"
HTML = re.compile("html")
PLAIN = re.compile("plain")


def redirecting(*args: Any) -> Any:
    return request(app_with(lambda req, res: res.redirect(*args)))


def html_page(title: str, target: str) -> str:
    return (
        f"<!DOCTYPE html><head><title>{title}</title></head><body><p>{title}. "
        f"Redirecting to {target}</p></body>"
    )


def test_res__redirect_url__should_default_to_a_302_redirect() -> None:
    redirecting(GOOGLE).get("/").expect("location", GOOGLE).expect(302)


def test_res__redirect_url__should_encode_url() -> None:
    redirecting("https://google.com?q=\u2603 §10").get("/").expect(
        "Location", "https://google.com?q=%E2%98%83%20%C2%A710"
    ).expect(302)


def test_res__redirect_url__should_not_touch_already_encoded_sequences_in_url() -> None:
    redirecting("https://google.com?q=%A710").get("/").expect(
        "Location", "https://google.com?q=%A710"
    ).expect(302)


def test_res__redirect_status_url__should_set_the_response_status() -> None:
    redirecting(303, GOOGLE).get("/").expect("Location", GOOGLE).expect(303)


def test_res__when_the_request_method_is_head__should_ignore_the_body() -> None:
    redirecting(GOOGLE).head("/").expect(302).expect("Location", GOOGLE).expect(
        should_not_have_body()
    ).end()


def test_res__when_accepting_html__should_respond_with_html() -> None:
    redirecting(GOOGLE).get("/").set("Accept", "text/html").expect("Content-Type", HTML).expect(
        "Location", GOOGLE
    ).expect(302, html_page("Found", GOOGLE))


def test_res__when_accepting_html__should_escape_the_url() -> None:
    (
        redirecting("<la'me>")
        .get("/")
        .set("Host", "http://example.com")
        .set("Accept", "text/html")
        .expect("Content-Type", HTML)
        .expect("Location", "%3Cla'me%3E")
        .expect(302, html_page("Found", "%3Cla&#39;me%3E"))
    )


def test_res__when_accepting_html__should_not_render_evil_javascript_links_in_anchor_href_prevent_xss() -> (
    None
):
    xss = "javascript:eval(document.body.innerHTML=`<p>XSS</p>`);"
    encoded = "javascript:eval(document.body.innerHTML=%60%3Cp%3EXSS%3C/p%3E%60);"
    (
        redirecting(xss)
        .get("/")
        .set("Host", "http://example.com")
        .set("Accept", "text/html")
        .expect("Content-Type", HTML)
        .expect("Location", encoded)
        .expect(302, html_page("Found", encoded))
    )


def test_res__when_accepting_html__should_include_the_redirect_type() -> None:
    redirecting(301, GOOGLE).get("/").set("Accept", "text/html").expect(
        "Content-Type", HTML
    ).expect("Location", GOOGLE).expect(301, html_page("Moved Permanently", GOOGLE))


def test_res__when_accepting_text__should_respond_with_text() -> None:
    redirecting(GOOGLE).get("/").set("Accept", "text/plain, */*").expect(
        "Content-Type", PLAIN
    ).expect("Location", GOOGLE).expect(302, f"Found. Redirecting to {GOOGLE}")


def test_res__when_accepting_text__should_encode_the_url() -> None:
    encoded = "http://example.com/?param=%3Cscript%3Ealert(%22hax%22);%3C/script%3E"
    (
        redirecting('http://example.com/?param=<script>alert("hax");</script>')
        .get("/")
        .set("Host", "http://example.com")
        .set("Accept", "text/plain, */*")
        .expect("Content-Type", PLAIN)
        .expect("Location", encoded)
        .expect(302, f"Found. Redirecting to {encoded}")
    )


def test_res__when_accepting_text__should_include_the_redirect_type() -> None:
    redirecting(301, GOOGLE).get("/").set("Accept", "text/plain, */*").expect(
        "Content-Type", PLAIN
    ).expect("Location", GOOGLE).expect(301, f"Moved Permanently. Redirecting to {GOOGLE}")


def test_res__when_accepting_neither_text_or_html__should_respond_with_an_empty_body() -> None:
    (
        redirecting(GOOGLE)
        .get("/")
        .set("Accept", "application/octet-stream")
        .expect(302)
        .expect("location", GOOGLE)
        .expect("content-length", "0")
        .expect(should_not_have_header("Content-Type"))
        .expect(should_not_have_body())
        .end()
    )
