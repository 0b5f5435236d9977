"""Express's test/acceptance/params.js, against examples/express/params."""

import re
from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import request


@pytest.fixture
def app(load_example: Callable[[str], Any]) -> Any:
    return load_example("express/params/index.py")


def test_params__get__should_respond_with_instructions(app: Any) -> None:
    request(app).get("/").expect(re.compile("Visit"))


def test_params__get_user_0__should_respond_with_a_user(app: Any) -> None:
    request(app).get("/user/0").expect(re.compile("user tj"))


def test_params__get_user_9__should_fail_to_find_user(app: Any) -> None:
    request(app).get("/user/9").expect(404, re.compile("failed to find user"))


def test_params__get_users_0_2__should_respond_with_three_users(app: Any) -> None:
    request(app).get("/users/0-2").expect(re.compile("users tj, tobi, loki"))


def test_params__get_users_foo_bar__should_fail_integer_parsing(app: Any) -> None:
    request(app).get("/users/foo-bar").expect(400, re.compile("failed to parseInt foo"))
