"""res.cookie / res.clear_cookie: Set-Cookie strings recorded from Express 5.3 (cookie@0.7)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from expresspy.testing import request

from .helpers import app_with

FIXED = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def set_cookies(handler: Any) -> list[str]:
    response = request(app_with(handler)).get("/").expect(200)
    return list(response.headers.get_all("Set-Cookie"))


def test_values_are_uri_encoded_and_objects_json_prefixed() -> None:
    assert set_cookies(lambda req, res: res.cookie("a", "b c").cookie("j", {"x": 1}).end()) == [
        "a=b%20c; Path=/",
        "j=j%3A%7B%22x%22%3A1%7D; Path=/",
    ]


def test_every_attribute_in_cookie_order() -> None:
    def handler(req: Any, res: Any) -> None:
        res.cookie(
            "o",
            "v",
            domain="example.com",
            path="/p",
            expires=FIXED,
            http_only=True,
            secure=True,
            partitioned=True,
            priority="high",
            same_site="lax",
        ).end()

    assert set_cookies(handler) == [
        "o=v; Domain=example.com; Path=/p; Expires=Wed, 02 Jan 2030 03:04:05 GMT; HttpOnly; "
        "Secure; Partitioned; Priority=High; SameSite=Lax"
    ]


def test_same_site_forms_and_camel_case_options() -> None:
    def handler(req: Any, res: Any) -> None:
        res.cookie("s1", "1", same_site=True).cookie(
            "s2", "2", {"sameSite": "none", "secure": True}
        )
        res.cookie("s3", "3", sameSite="Strict", httpOnly=True).end()

    assert set_cookies(handler) == [
        "s1=1; Path=/; SameSite=Strict",
        "s2=2; Path=/; Secure; SameSite=None",
        "s3=3; Path=/; HttpOnly; SameSite=Strict",
    ]


def test_signed_cookies_match_express_and_cookie_signature() -> None:
    def handler(req: Any, res: Any) -> None:
        req.secret = "tobiiscool"
        res.cookie("user", {"name": "tobi"}, signed=True).cookie("n", "v", signed=True).end()

    assert set_cookies(handler) == [
        "user=s%3Aj%3A%7B%22name%22%3A%22tobi%22%7D.QkPc4lEK3yqQVVGzjnpFMNW0SgfcHLf2AyYwXG1z1PU;"
        " Path=/",
        "n=s%3Av.vqoVDZfHWyZ5Rkp5ToTuuoFCc1WuI%2BtgZ24dnBLEcnI; Path=/",
    ]


def test_signed_without_secret_is_an_error() -> None:
    app = app_with(lambda req, res: res.cookie("a", "b", signed=True).end())
    request(app).get("/").expect(500, re.compile(r"cookieParser\(&quot;secret&quot;\) required"))


@pytest.mark.parametrize(
    "options,max_age",
    [
        ({"maxAge": 1500}, 1),
        ({"max_age": 90}, 90),
        ({"max_age": timedelta(minutes=2)}, 120),
        ({"maxAge": timedelta(seconds=3)}, 3),
    ],
)
def test_max_age_units(options: dict[str, Any], max_age: int) -> None:
    before = datetime.now(timezone.utc).replace(microsecond=0)
    [cookie] = set_cookies(lambda req, res: res.cookie("m", "1", options).end())
    match = re.fullmatch(r"m=1; Max-Age=(\d+); Path=/; Expires=(.+ GMT)", cookie)
    assert match is not None, cookie
    expires = datetime.strptime(match.group(2), "%a, %d %b %Y %H:%M:%S GMT").replace(
        tzinfo=timezone.utc
    )
    assert int(match.group(1)) == max_age
    assert timedelta(seconds=max_age - 2) <= expires - before <= timedelta(seconds=max_age + 2)


def test_custom_encode_and_values_cookie_refuses() -> None:
    ok = set_cookies(lambda req, res: res.cookie("e", "a+b", encode=str).end())
    assert ok == ["e=a+b; Path=/"]
    app = app_with(lambda req, res: res.cookie("e", "a b", encode=str).end())
    request(app).get("/").expect(500)


def test_unknown_option_is_a_clear_error() -> None:
    app = app_with(lambda req, res: res.cookie("a", "b", httponly=True).end())
    request(app).get("/").expect(500, re.compile("unknown cookie option &#39;httponly&#39;"))


def test_clear_cookie_matches_express() -> None:
    def handler(req: Any, res: Any) -> None:
        res.clear_cookie("z").clearCookie("y", path="/admin", domain="example.com", maxAge=1000)
        res.end()

    assert set_cookies(handler) == [
        "z=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
        "y=; Domain=example.com; Path=/admin; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    ]


def test_cookies_and_other_headers_coexist_with_append() -> None:
    def handler(req: Any, res: Any) -> None:
        res.append("Set-Cookie", "pre=1").cookie("a", "1").end()

    assert set_cookies(handler) == ["pre=1", "a=1; Path=/"]
