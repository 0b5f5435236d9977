"""Express's test/acceptance/cookie-sessions.js, against examples/express/cookie-sessions."""

import re
from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import Test, request


@pytest.fixture
def app(load_example: Callable[[str], Any]) -> Any:
    return load_example("express/cookie-sessions/index.py")


def get_cookies(res: Test) -> str:
    return "; ".join(value.split(";")[0] for value in res.headers.get_all("set-cookie"))


def test_cookie_sessions__get__should_display_no_views(app: Any) -> None:
    request(app).get("/").expect(200, "viewed 1 times\n")


def test_cookie_sessions__get__should_set_a_session_cookie(app: Any) -> None:
    request(app).get("/").expect("Set-Cookie", re.compile("session=")).expect(200)


def test_cookie_sessions__get__should_display_1_view_on_revisit(app: Any) -> None:
    res = request(app).get("/").expect(200, "viewed 1 times\n")
    request(app).get("/").set("Cookie", get_cookies(res)).expect(200, "viewed 2 times\n")
