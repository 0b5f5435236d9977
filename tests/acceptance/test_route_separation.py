"""Express's test/acceptance/route-separation.js, against examples/express/route-separation."""

import re
from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import request

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def app(load_example: Callable[[str], Any]) -> Any:
    return load_example("express/route-separation/index.py")


def test_route_separation__get__should_respond_with_index(app: Any) -> None:
    request(app).get("/").expect(200, re.compile("Route Separation Example"))


def test_route_separation__get_users__should_list_users(app: Any) -> None:
    request(app).get("/users").expect(re.compile("TJ")).expect(re.compile("Tobi")).expect(200)


def test_route_separation__get_user_id__should_get_a_user(app: Any) -> None:
    request(app).get("/user/0").expect(200, re.compile("Viewing user TJ"))


def test_route_separation__get_user_id__should_404_on_missing_user(app: Any) -> None:
    request(app).get("/user/10").expect(404)


def test_route_separation__get_user_id_view__should_get_a_user(app: Any) -> None:
    request(app).get("/user/0/view").expect(200, re.compile("Viewing user TJ"))


def test_route_separation__get_user_id_view__should_404_on_missing_user(app: Any) -> None:
    request(app).get("/user/10/view").expect(404)


def test_route_separation__get_user_id_edit__should_get_a_user_to_edit(app: Any) -> None:
    request(app).get("/user/0/edit").expect(200, re.compile("Editing user TJ"))


def test_route_separation__put_user_id_edit__should_edit_a_user(app: Any) -> None:
    (
        request(app)
        .put("/user/0/edit")
        .set("Content-Type", FORM)
        .send({"user": {"name": "TJ", "email": "tj-invalid@vision-media.ca"}})
        .expect(302)
    )
    request(app).get("/user/0").expect(200, re.compile(r"tj-invalid@vision-media\.ca"))


def test_route_separation__post_user_id_edit_method_put__should_edit_a_user(app: Any) -> None:
    (
        request(app)
        .post("/user/1/edit?_method=PUT")
        .set("Content-Type", FORM)
        .send({"user": {"name": "Tobi", "email": "tobi-invalid@vision-media.ca"}})
        .expect(302)
    )
    request(app).get("/user/1").expect(200, re.compile(r"tobi-invalid@vision-media\.ca"))


def test_route_separation__get_posts__should_get_a_list_of_posts(app: Any) -> None:
    request(app).get("/posts").expect(200, re.compile("Posts"))
