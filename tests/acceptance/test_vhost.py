"""Express's test/acceptance/vhost.js, against examples/express/vhost."""

import re
from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import request


@pytest.fixture
def app(load_example: Callable[[str], Any]) -> Any:
    return load_example("express/vhost/index.py")


def test_vhost__example_com__get__should_say_hello(app: Any) -> None:
    request(app).get("/").set("Host", "example.com").expect(200, re.compile("hello", re.I))


def test_vhost__example_com__get_foo__should_say_foo(app: Any) -> None:
    request(app).get("/foo").set("Host", "example.com").expect(200, "requested foo")


def test_vhost__foo_example_com__get__should_redirect_to_foo(app: Any) -> None:
    (
        request(app)
        .get("/")
        .set("Host", "foo.example.com")
        .expect(302, re.compile(r"Redirecting to http://example.com:3000/foo"))
    )


def test_vhost__bar_example_com__get__should_redirect_to_bar(app: Any) -> None:
    (
        request(app)
        .get("/")
        .set("Host", "bar.example.com")
        .expect(302, re.compile(r"Redirecting to http://example.com:3000/bar"))
    )
