"""Express's test/acceptance/cookies.js, against examples/express/cookies."""

import re

import pytest

from expresspy.testing import request, should_not_have_header


@pytest.fixture
def app(load_example):
    return load_example("express/cookies/index.py")


def remember(app):
    return request(app).post("/").type("urlencoded").send({"remember": 1}).expect(302)


def test_cookies__get__should_have_a_form(app):
    request(app).get("/").expect(re.compile("<form"))


def test_cookies__get__should_respond_with_no_cookies(app):
    request(app).get("/").expect(should_not_have_header("Set-Cookie")).expect(200)


def test_cookies__get__should_respond_to_cookie(app):
    res = remember(app)
    (
        request(app)
        .get("/")
        .set("Cookie", res.headers.get_all("set-cookie")[0])
        .expect(200, re.compile("Remembered"))
    )


def test_cookies__get_forget__should_clear_cookie(app):
    res = remember(app)
    (
        request(app)
        .get("/forget")
        .set("Cookie", res.headers.get_all("set-cookie")[0])
        .expect("Set-Cookie", re.compile("remember=;"))
        .expect(302)
    )


def test_cookies__post__should_set_a_cookie(app):
    (
        request(app)
        .post("/")
        .type("urlencoded")
        .send({"remember": 1})
        .expect("Set-Cookie", re.compile("remember=1"))
        .expect(302)
    )


def test_cookies__post__should_no_set_cookie_w_o_reminder(app):
    request(app).post("/").send({}).expect(should_not_have_header("Set-Cookie")).expect(302)
