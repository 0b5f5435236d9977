"""Express's test/acceptance/resource.js, against examples/express/resource.

Express's cases share one app, so its last case sees the user its DELETE case removed; here
every test loads a fresh app, and that case deletes user 1 itself first.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import request


@pytest.fixture
def app(load_example: Callable[[str], Any]) -> Any:
    return load_example("express/resource/index.py")


def test_resource__get__should_respond_with_instructions(app: Any) -> None:
    request(app).get("/").expect(re.compile("^<h1>Examples:</h1>"))


def test_resource__get_users__should_respond_with_all_users(app: Any) -> None:
    request(app).get("/users").expect(
        re.compile(
            r'^\[{"name":"tj"},{"name":"ciaran"},{"name":"aaron"},{"name":"guillermo"},'
            r'{"name":"simon"},{"name":"tobi"}\]'
        )
    )


def test_resource__get_users_1__should_respond_with_user_1(app: Any) -> None:
    request(app).get("/users/1").expect(re.compile('^{"name":"ciaran"}'))


def test_resource__get_users_9__should_respond_with_error(app: Any) -> None:
    request(app).get("/users/9").expect('{"error":"Cannot find user"}')


def test_resource__get_users_1_3__should_respond_with_users_1_through_3(app: Any) -> None:
    request(app).get("/users/1..3").expect(
        re.compile("^<ul><li>ciaran</li>\n<li>aaron</li>\n<li>guillermo</li></ul>")
    )


def test_resource__delete_users_1__should_delete_user_1(app: Any) -> None:
    request(app).delete("/users/1").expect(re.compile("^destroyed"))


def test_resource__delete_users_9__should_fail(app: Any) -> None:
    request(app).delete("/users/9").expect("Cannot find user")


def test_resource__get_users_1_3_json__should_respond_with_users_2_and_3_as_json(app: Any) -> None:
    request(app).delete("/users/1").expect("destroyed")
    request(app).get("/users/1..3.json").expect(
        re.compile(r'^\[null,{"name":"aaron"},{"name":"guillermo"}\]')
    )
