"""Express's test/acceptance/cookies.js, against examples/express/cookies."""

import re
from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import Test, request, should_not_have_header


@pytest.fixture
def app(load_example: Callable[[str], Any]) -> Any:
    return load_example("express/cookies/index.py")


def remember(app: Any) -> Test:
    return request(app).post("/").type("urlencoded").send({"remember": 1}).expect(302)


def test_cookies__get__should_have_a_form(app: Any) -> None:
    request(app).get("/").expect(re.compile("<form"))


def test_cookies__get__should_respond_with_no_cookies(app: Any) -> None:
    request(app).get("/").expect(should_not_have_header("Set-Cookie")).expect(200)


def test_cookies__get__should_respond_to_cookie(app: Any) -> None:
    res = remember(app)
    (
        request(app)
        .get("/")
        .set("Cookie", res.headers.get_all("set-cookie")[0])
        .expect(200, re.compile("Remembered"))
    )


def test_cookies__get_forget__should_clear_cookie(app: Any) -> None:
    res = remember(app)
    (
        request(app)
        .get("/forget")
        .set("Cookie", res.headers.get_all("set-cookie")[0])
        .expect("Set-Cookie", re.compile("remember=;"))
        .expect(302)
    )


def test_cookies__post__should_set_a_cookie(app: Any) -> None:
    (
        request(app)
        .post("/")
        .type("urlencoded")
        .send({"remember": 1})
        .expect("Set-Cookie", re.compile("remember=1"))
        .expect(302)
    )


def test_cookies__post__should_no_set_cookie_w_o_reminder(app: Any) -> None:
    request(app).post("/").send({}).expect(should_not_have_header("Set-Cookie")).expect(302)
