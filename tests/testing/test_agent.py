"""agent(): cookies kept between requests, default headers, redirects."""

from __future__ import annotations

import time

import pytest

from expresspy.testing import CookieJar, agent, request
from expresspy.testing.cookiejar import default_path, parse_set_cookie

from .apps import cookie_app, redirector


def test_agent_sends_back_the_cookies_it_was_given() -> None:
    a = agent(cookie_app)
    a.get("/login").expect(200)
    a.get("/me").expect(200, "sid=abc; theme=dark")


def test_cookie_with_a_longer_path_goes_first_and_only_under_its_path() -> None:
    a = agent(cookie_app)
    a.get("/login").end()
    a.get("/admin/panel").expect(200, "admin=1; sid=abc; theme=dark")
    a.get("/administrator").expect(200, "sid=abc; theme=dark")


def test_expired_cookie_is_removed() -> None:
    a = agent(cookie_app)
    a.get("/login").end()
    a.get("/logout").end()
    a.get("/me").expect("theme=dark")
    assert a.jar is not None
    assert a.jar.get("sid") is None


def test_request_keeps_no_cookies() -> None:
    client = request(cookie_app)
    client.get("/login").end()
    client.get("/me").expect(200, "")


def test_agents_do_not_share_cookies() -> None:
    first, second = agent(cookie_app), agent(cookie_app)
    first.get("/login").end()
    second.get("/me").expect("")


def test_agent_default_headers() -> None:
    a = agent(cookie_app).set("Cookie", "manual=1")
    a.get("/me").expect("manual=1")


def test_redirects_are_not_followed_by_default() -> None:
    request(redirector).get("/r/302/1").expect(302).expect("Location", "/r/302/0?q=1")


def test_redirects_followed_up_to_the_limit() -> None:
    response = request(redirector).get("/r/302/3").redirects(2).end()
    assert response.status == 302
    assert response.redirects == ["/r/302/2?q=1", "/r/302/1?q=1"]


@pytest.mark.parametrize(
    ("status", "method"), [(301, "GET"), (302, "GET"), (303, "GET"), (307, "POST"), (308, "POST")]
)
def test_redirect_method_rules(status: int, method: str) -> None:
    test = request(redirector).post(f"/r/{status}/1").send({"a": 1}).redirects(5)
    got = test.expect(200).body
    assert got["method"] == method
    assert got["path"] == f"/r/{status}/0"
    assert got["query"] == "q=1"
    has_body = [h for h in got["headers"] if h[0] == "content-type"] != []
    assert has_body == (method == "POST")
    assert got["body"] == ('{"a":1}' if method == "POST" else "")


def test_agent_keeps_cookies_set_by_a_redirect() -> None:
    a = agent(cookie_app)
    a.get("/bounce").redirects(1).expect(200, "bounced=yes")
    a.get("/me").expect("bounced=yes")


def test_jar_honours_max_age_domain_and_secure() -> None:
    jar = CookieJar()
    jar.store(
        [
            "gone=1; Max-Age=0",
            "short=1; Max-Age=100",
            "wide=1; Domain=.example.com",
            "safe=1; Secure",
            "junk",
        ],
        "www.example.com",
        "/a/b",
    )
    assert jar.header_for("www.example.com", "/a/c") == "short=1; wide=1"
    assert jar.header_for("api.example.com", "/a/x") == "wide=1"
    assert jar.header_for("example.org", "/a/x") is None
    assert jar.header_for("www.example.com", "/a", secure=True) == "short=1; wide=1; safe=1"
    assert jar.header_for("www.example.com", "/") is None
    assert len(jar) == 3
    jar.clear()
    assert jar.header_for("www.example.com", "/a") is None


def test_jar_expires_in_the_past_and_future() -> None:
    jar = CookieJar()
    jar.store(
        [
            "old=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT",
            "new=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT",
            "bad=1; Expires=soon",
        ],
        "h",
        "/",
    )
    assert jar.header_for("h", "/") == "new=1; bad=1"
    cookie = next(c for c in jar if c.name == "new")
    assert cookie.expires is not None and cookie.expires > time.time()


def test_default_path_follows_rfc_6265() -> None:
    assert default_path("/") == "/"
    assert default_path("/login") == "/"
    assert default_path("/a/b/c") == "/a/b"
    assert default_path("") == "/"


def test_parse_set_cookie_attributes() -> None:
    cookie = parse_set_cookie("sid=s%3Aabc.def; Path=/; HttpOnly; SameSite=Lax")
    assert cookie is not None
    assert (cookie.name, cookie.value, cookie.http_only, cookie.secure) == (
        "sid",
        "s%3Aabc.def",
        True,
        False,
    )
    assert cookie.attributes == {"path": "/", "httponly": "", "samesite": "Lax"}
    assert parse_set_cookie("=x") is None
