"""SessionCookie: express-session's Cookie JSON and Set-Cookie, vectors from real Node.

Expected strings were produced with express-session@1.19.0's ``session/cookie.js`` under
node 20 (``JSON.stringify(cookie)`` and ``cookie.serialize("connect.sid", "s:abc.def")``).
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from expresspy import session
from expresspy.session.cookie import (
    CookieOptions,
    SessionCookie,
    from_js_iso,
    parse_cookie_options,
    to_js_iso,
)

UTC = timezone.utc
EXPIRES = datetime(2026, 11, 26, 19, 8, 37, 283000, tzinfo=UTC)


def _compact(data: object) -> str:
    return json.dumps(data, separators=(",", ":"))


def test_default_cookie_json_and_header() -> None:
    cookie = SessionCookie()
    assert _compact(cookie.to_json()) == (
        '{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}'
    )
    assert (
        cookie.serialize("connect.sid", "s:abc.def") == "connect.sid=s%3Aabc.def; Path=/; HttpOnly"
    )


def test_max_age_cookie_json_and_header() -> None:
    cookie = SessionCookie(parse_cookie_options({"maxAge": 60000, "sameSite": "lax"}))
    assert cookie.originalMaxAge == 60000
    cookie.expires = EXPIRES
    cookie.originalMaxAge = 60000
    assert _compact(cookie.to_json()) == (
        '{"originalMaxAge":60000,"expires":"2026-11-26T19:08:37.283Z","httpOnly":true,'
        '"path":"/","sameSite":"lax"}'
    )
    assert cookie.serialize("connect.sid", "s:abc.def") == (
        "connect.sid=s%3Aabc.def; Path=/; Expires=Thu, 26 Nov 2026 19:08:37 GMT; HttpOnly; "
        "SameSite=Lax"
    )


def test_explicit_false_secure_is_written_like_express() -> None:
    cookie = SessionCookie(parse_cookie_options({"secure": False}))
    assert _compact(cookie.to_json()) == (
        '{"originalMaxAge":null,"expires":null,"secure":false,"httpOnly":true,"path":"/"}'
    )


def test_every_attribute_in_express_order() -> None:
    options = parse_cookie_options(
        {
            "secure": True,
            "domain": "example.com",
            "path": "/app",
            "httpOnly": False,
            "sameSite": "strict",
            "priority": "high",
            "partitioned": True,
        }
    )
    cookie = SessionCookie(options)
    assert _compact(cookie.to_json()) == (
        '{"originalMaxAge":null,"partitioned":true,"priority":"high","expires":null,'
        '"secure":true,"httpOnly":false,"domain":"example.com","path":"/app","sameSite":"strict"}'
    )
    assert cookie.serialize("connect.sid", "s:abc.def") == (
        "connect.sid=s%3Aabc.def; Domain=example.com; Path=/app; Secure; Partitioned; "
        "Priority=High; SameSite=Strict"
    )


def test_round_trip_through_json_keeps_stored_attributes() -> None:
    stored = {
        "originalMaxAge": 60000,
        "expires": "2026-11-26T19:08:37.283Z",
        "secure": True,
        "httpOnly": True,
        "domain": "example.com",
        "path": "/",
        "sameSite": "none",
    }
    cookie = SessionCookie.from_json(stored)
    assert cookie.expires == EXPIRES
    assert cookie.original_max_age == 60.0
    assert cookie.to_json() == stored


def test_units_max_age_seconds_and_maxAge_ms() -> None:
    seconds = SessionCookie(parse_cookie_options({"max_age": 60}))
    millis = SessionCookie(parse_cookie_options({"maxAge": 60000}))
    delta = SessionCookie(parse_cookie_options({"max_age": timedelta(minutes=1)}))
    for cookie in (seconds, millis, delta):
        assert cookie.originalMaxAge == 60000
        assert cookie.original_max_age == 60.0
        assert cookie.maxAge is not None and 59000 <= cookie.maxAge <= 60000
        assert cookie.max_age is not None and 59.0 <= cookie.max_age <= 60.0


@pytest.mark.parametrize("option", ["maxAge", "max_age"])
@pytest.mark.parametrize("value", [float("inf"), float("nan")])
def test_an_infinite_or_nan_max_age_is_a_clear_error(option: str, value: float) -> None:
    # it was an OverflowError / "cannot convert float NaN to integer"
    with pytest.raises(ValueError, match=rf"^{option} must be a finite number"):
        session(secret="s", resave=False, save_uninitialized=False, cookie={option: value})
    with pytest.raises(ValueError, match=rf"^{option} must be a finite number"):
        setattr(SessionCookie(), option, value)


def test_setting_max_age_moves_expires_and_touch_restarts_it() -> None:
    cookie = SessionCookie(parse_cookie_options({"max_age": 10}))
    cookie.max_age = 0.05
    assert cookie.original_max_age == 0.05  # setting expires records the new lifetime
    time.sleep(0.06)
    assert cookie.maxAge is not None and cookie.maxAge < 0
    cookie.reset_max_age()
    assert cookie.maxAge is not None and 0 < cookie.maxAge <= 50


def test_no_max_age_means_browser_session_cookie() -> None:
    cookie = SessionCookie()
    assert cookie.expires is None and cookie.max_age is None and cookie.maxAge is None
    cookie.reset_max_age()
    assert cookie.expires is None


def test_js_iso_dates() -> None:
    assert to_js_iso(EXPIRES) == "2026-11-26T19:08:37.283Z"
    assert to_js_iso(datetime(1970, 1, 1)) == "1970-01-01T00:00:00.000Z"
    assert from_js_iso("2026-11-26T19:08:37.283Z") == EXPIRES


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"maxage": 1}, "unknown session cookie option 'maxage'"),
        ({"max_age": 1, "expires": EXPIRES}, "pass either max_age"),
    ],
)
def test_cookie_options_fail_loudly(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_cookie_options(options)


def test_cookie_options_defaults() -> None:
    assert parse_cookie_options(None) == CookieOptions(path="/", http_only=True)
