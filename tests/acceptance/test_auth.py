"""Express's test/acceptance/auth.js, against examples/express/auth."""

import re
from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import Test, request


@pytest.fixture
def app(load_example: Callable[[str], Any]) -> Any:
    return load_example("express/auth/index.py")


def get_cookie(res: Test) -> str:
    return res.headers.get_all("set-cookie")[0].split(";")[0]


def login(app: Any, form: str) -> Test:
    return request(app).post("/login").type("urlencoded").send(form)


def test_auth__get__should_redirect_to_login(app: Any) -> None:
    request(app).get("/").expect("Location", "/login").expect(302)


def test_auth__get_login__should_render_login_form(app: Any) -> None:
    request(app).get("/login").expect(200, re.compile("<form"))


def test_auth__get_login__should_display_login_error_for_bad_user(app: Any) -> None:
    res = login(app, "username=not-tj&password=foobar").expect("Location", "/login").expect(302)
    (
        request(app)
        .get("/login")
        .set("Cookie", get_cookie(res))
        .expect(200, re.compile("Authentication failed"))
    )


def test_auth__get_login__should_display_login_error_for_bad_password(app: Any) -> None:
    res = login(app, "username=tj&password=nogood").expect("Location", "/login").expect(302)
    (
        request(app)
        .get("/login")
        .set("Cookie", get_cookie(res))
        .expect(200, re.compile("Authentication failed"))
    )


def test_auth__get_logout__should_redirect_to(app: Any) -> None:
    request(app).get("/logout").expect("Location", "/").expect(302)


def test_auth__get_restricted__should_redirect_to_login_without_cookie(app: Any) -> None:
    request(app).get("/restricted").expect("Location", "/login").expect(302)


def test_auth__get_restricted__should_succeed_with_proper_cookie(app: Any) -> None:
    res = login(app, "username=tj&password=foobar").expect("Location", "/").expect(302)
    request(app).get("/restricted").set("Cookie", get_cookie(res)).expect(200)


def test_auth__post_login__should_fail_without_proper_username(app: Any) -> None:
    login(app, "username=not-tj&password=foobar").expect("Location", "/login").expect(302)


def test_auth__post_login__should_fail_without_proper_password(app: Any) -> None:
    login(app, "username=tj&password=baz").expect("Location", "/login").expect(302)


def test_auth__post_login__should_succeed_with_proper_credentials(app: Any) -> None:
    login(app, "username=tj&password=foobar").expect("Location", "/").expect(302)
