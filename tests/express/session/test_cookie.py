"""Port of express-session 1.19.0 test/cookie.js: ``new Cookie(options)`` is
``SessionCookie(options)``, where options is a dict in either spelling (``maxAge`` in ms)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from expresspy.session import SessionCookie
from expresspy.session.cookie import ms_to_datetime, now_ms


def in_a_minute() -> datetime:
    """Now plus 60 s, at millisecond precision (JavaScript Dates have no finer)."""
    return ms_to_datetime(now_ms() + 60000)


def ms_until(moment: datetime) -> float:
    return (moment - datetime.now(timezone.utc)) / timedelta(milliseconds=1)


def test_new_cookie__should_create_a_new_cookie_object() -> None:
    assert isinstance(SessionCookie(), SessionCookie)


def test_new_cookie__should_default_expires_to_null() -> None:
    assert SessionCookie().expires is None


def test_new_cookie__should_default_http_only_to_true() -> None:
    assert SessionCookie().httpOnly is True


def test_new_cookie__should_default_path_to() -> None:
    assert SessionCookie().path == "/"


def test_new_cookie__should_default_max_age_to_null() -> None:
    assert SessionCookie().maxAge is None


def test_new_cookie__with_options__should_create_a_new_cookie_object() -> None:
    assert isinstance(SessionCookie({}), SessionCookie)


@pytest.mark.parametrize("value", [42, "foo", True, lambda: None])
def test_new_cookie__with_options__should_reject_non_objects(value: Any) -> None:
    with pytest.raises(TypeError, match="argument options"):
        SessionCookie(value)


def test_new_cookie__with_options__expires__should_set_expires() -> None:
    expires = in_a_minute()
    assert SessionCookie({"expires": expires}).expires == expires


def test_new_cookie__with_options__expires__should_set_max_age() -> None:
    expires = in_a_minute()
    cookie = SessionCookie({"expires": expires})
    assert cookie.maxAge is not None
    assert ms_until(expires) - 1000 <= cookie.maxAge <= ms_until(expires) + 1000


def test_new_cookie__with_options__http_only__should_set_http_only() -> None:
    assert SessionCookie({"httpOnly": False}).httpOnly is False


def test_new_cookie__with_options__max_age__should_set_expires() -> None:
    cookie = SessionCookie({"maxAge": 60000})
    assert cookie.expires is not None
    assert 60000 - 1000 <= ms_until(cookie.expires) <= 60000 + 1000


def test_new_cookie__with_options__max_age__should_set_max_age() -> None:
    cookie = SessionCookie({"maxAge": 60000})
    assert isinstance(cookie.maxAge, int)
    assert 60000 - 1000 <= cookie.maxAge <= 60000 + 1000


def test_new_cookie__with_options__max_age__should_accept_date_object() -> None:
    max_age = in_a_minute()
    with pytest.warns(DeprecationWarning, match="maxAge"):
        cookie = SessionCookie({"maxAge": max_age})
    assert cookie.expires == max_age
    assert cookie.maxAge is not None
    assert ms_until(max_age) - 1000 <= cookie.maxAge <= ms_until(max_age) + 1000


@pytest.mark.parametrize("value", ["42", True, time.time])
def test_new_cookie__with_options__max_age__should_reject_invalid_types(value: Any) -> None:
    with pytest.raises(TypeError, match="maxAge"):
        SessionCookie({"maxAge": value})


def test_new_cookie__with_options__partitioned__should_set_partitioned() -> None:
    assert SessionCookie({"partitioned": True}).partitioned is True


def test_new_cookie__with_options__path__should_set_path() -> None:
    assert SessionCookie({"path": "/foo"}).path == "/foo"


def test_new_cookie__with_options__priority__should_set_priority() -> None:
    assert SessionCookie({"priority": "high"}).priority == "high"
