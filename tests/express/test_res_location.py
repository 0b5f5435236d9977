"""Port of Express 5 test/res.location.js.

The "location header encoding" cases check hosts with Node's legacy ``url.parse(u, false,
true)``; ``node_url_host`` below is its host rule (backslashes before the query count as
slashes, ``//`` starts a host, auth before ``@`` is dropped, the host ends at the first
character Node does not allow in one, lower-cased).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from expresspy.testing import request

from .support import app_with

NOT_IN_HOST = re.compile(r"[%/?;#'{}|\\^`<>\" \r\n\t]")


def node_url_host(url: str) -> str | None:
    rest = url.partition("?")[0].replace("\\", "/")
    protocol = re.match(r"[a-z0-9.+-]+:", rest, re.IGNORECASE)
    if protocol:
        rest = rest[protocol.end() :]
    if not rest.startswith("//"):
        return None
    rest = rest[2:]
    end = min((i for i in (rest.find(c) for c in "/?#") if i != -1), default=len(rest))
    rest = rest[rest.rfind("@", 0, end) + 1 :]
    stop = NOT_IN_HOST.search(rest)
    return (rest[: stop.start()] if stop else rest).lower()


def locating(url: Any) -> Any:
    return request(app_with(lambda req, res: res.location(url).end())).get("/")


def test_res__location_url__should_set_the_header() -> None:
    locating("http://google.com/").expect("Location", "http://google.com/").expect(200)


def test_res__location_url__should_preserve_trailing_slashes_when_not_present() -> None:
    locating("http://google.com").expect("Location", "http://google.com").expect(200)


def test_res__location_url__should_encode_url() -> None:
    locating("https://google.com?q=\u2603 §10").expect(
        "Location", "https://google.com?q=%E2%98%83%20%C2%A710"
    ).expect(200)


def test_res__location_url__should_encode_data_uri() -> None:
    locating("data:text/javascript,export default () => { }").expect(
        "Location", "data:text/javascript,export%20default%20()%20=%3E%20%7B%20%7D"
    ).expect(200)


def test_res__location_url__should_consistently_handle_non_string_input_boolean() -> None:
    locating(True).expect("Location", "true").expect(200)


def test_res__location_url__should_consistently_handle_empty_string_input() -> None:
    locating("").expect("Location", "").expect(200)


def redirect_server_for(domain: str | None) -> Any:
    def handler(req: Any, res: Any) -> None:
        host = node_url_host(req.query["q"])
        if host != domain:
            res.status(400).end(f"Bad host: {host} !== {domain}")
            return
        res.location(req.query["q"]).end()

    return app_with(handler)


def requested_redirect(domain: str | None, input_url: str, expected: str) -> None:
    response = (
        request(redirect_server_for(domain))
        .get("/?q=" + quote(input_url, safe="!~*'()"))
        .expect("")
        .expect(200)
        .expect("Location", expected)
        .end()
    )
    location_host = node_url_host(response.headers["location"])
    assert location_host == domain
    assert node_url_host(input_url) == location_host


def test_res__location_header_encoding__should_not_touch_already_encoded_sequences_in_url() -> None:
    requested_redirect("google.com", "https://google.com?q=%A710", "https://google.com?q=%A710")


def test_res__location_header_encoding__should_consistently_handle_relative_urls() -> None:
    requested_redirect(None, "/foo/bar", "/foo/bar")


def test_res__location_header_encoding__should_not_encode_urls_in_such_a_way_that_they_can_bypass_redirect_allow_lists() -> (
    None
):
    requested_redirect(
        "google.com", "http://google.com\\@apple.com", "http://google.com\\@apple.com"
    )


def test_res__location_header_encoding__should_not_be_case_sensitive() -> None:
    requested_redirect(
        "google.com", "HTTP://google.com\\@apple.com", "HTTP://google.com\\@apple.com"
    )


def test_res__location_header_encoding__should_work_with_https() -> None:
    requested_redirect(
        "google.com", "https://google.com\\@apple.com", "https://google.com\\@apple.com"
    )


def test_res__location_header_encoding__should_correctly_encode_schemaless_paths() -> None:
    requested_redirect("google.com", "//google.com\\@apple.com/", "//google.com\\@apple.com/")


def test_res__location_header_encoding__should_keep_backslashes_in_the_path() -> None:
    requested_redirect(
        "google.com", "https://google.com/foo\\bar\\baz", "https://google.com/foo\\bar\\baz"
    )


def test_res__location_header_encoding__should_escape_header_splitting_for_old_node_versions() -> (
    None
):
    requested_redirect(
        "google.com",
        "http://google.com\\@apple.com/%0d%0afoo:%20bar",
        "http://google.com\\@apple.com/%0d%0afoo:%20bar",
    )


def test_res__location_header_encoding__should_encode_unicode_correctly() -> None:
    requested_redirect(None, "/%e2%98%83", "/%e2%98%83")


def test_res__location_header_encoding__should_encode_unicode_correctly_even_with_a_bad_host() -> (
    None
):
    requested_redirect(
        "google.com",
        "http://google.com\\@apple.com/%e2%98%83",
        "http://google.com\\@apple.com/%e2%98%83",
    )


def test_res__location_header_encoding__should_work_correctly_despite_using_deprecated_url_parse() -> (
    None
):
    requested_redirect(
        "google.com", "https://google.com'.bb.com/1.html", "https://google.com'.bb.com/1.html"
    )


def test_res__location_header_encoding__should_encode_file_uri_path() -> None:
    requested_redirect("", "file:///etc\\passwd", "file:///etc\\passwd")
