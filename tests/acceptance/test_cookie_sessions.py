"""Express's test/acceptance/cookie-sessions.js, against examples/express/cookie-sessions."""

import re

import pytest

from expresspy.testing import request


@pytest.fixture
def app(load_example):
    return load_example("express/cookie-sessions/index.py")


def get_cookies(res):
    return "; ".join(value.split(";")[0] for value in res.headers.get_all("set-cookie"))


def test_cookie_sessions__get__should_display_no_views(app):
    request(app).get("/").expect(200, "viewed 1 times\n")


def test_cookie_sessions__get__should_set_a_session_cookie(app):
    request(app).get("/").expect("Set-Cookie", re.compile("session=")).expect(200)


def test_cookie_sessions__get__should_display_1_view_on_revisit(app):
    res = request(app).get("/").expect(200, "viewed 1 times\n")
    request(app).get("/").set("Cookie", get_cookies(res)).expect(200, "viewed 2 times\n")
