"""Express's test/acceptance/mvc.js, against examples/express/mvc."""

import re
from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import request

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def app(load_example: Callable[[str], Any]) -> Any:
    return load_example("express/mvc/index.py")


def test_mvc__get__should_redirect_to_users(app: Any) -> None:
    request(app).get("/").expect("Location", "/users").expect(302)


def test_mvc__get_pet_0__should_get_pet(app: Any) -> None:
    request(app).get("/pet/0").expect(200, re.compile("Tobi"))


def test_mvc__get_pet_0_edit__should_get_pet_edit_page(app: Any) -> None:
    request(app).get("/pet/0/edit").expect(re.compile("<form")).expect(200, re.compile("Tobi"))


def test_mvc__put_pet_2__should_update_the_pet(app: Any) -> None:
    (
        request(app)
        .put("/pet/3")
        .set("Content-Type", FORM)
        .send({"pet": {"name": "Boots"}})
        .expect(302)
    )
    request(app).get("/pet/3/edit").expect(200, re.compile("Boots"))


def test_mvc__get_users__should_display_a_list_of_users(app: Any) -> None:
    (
        request(app)
        .get("/users")
        .expect(re.compile("<h1>Users</h1>"))
        .expect(re.compile(">TJ<"))
        .expect(re.compile(">Guillermo<"))
        .expect(re.compile(">Nathan<"))
        .expect(200)
    )


def test_mvc__get_user_id__when_present__should_display_the_user(app: Any) -> None:
    request(app).get("/user/0").expect(200, re.compile(r'<h1>TJ <a href="/user/0/edit">edit'))


def test_mvc__get_user_id__when_present__should_display_the_users_pets(app: Any) -> None:
    (
        request(app)
        .get("/user/0")
        .expect(re.compile(r'/pet/0">Tobi'))
        .expect(re.compile(r'/pet/1">Loki'))
        .expect(re.compile(r'/pet/2">Jane'))
        .expect(200)
    )


def test_mvc__get_user_id__when_not_present__should_404(app: Any) -> None:
    request(app).get("/user/123").expect(404)


def test_mvc__get_user_id_edit__should_display_the_edit_form(app: Any) -> None:
    (
        request(app)
        .get("/user/1/edit")
        .expect(re.compile("Guillermo"))
        .expect(200, re.compile("<form"))
    )


def test_mvc__put_user_id__should_500_on_error(app: Any) -> None:
    request(app).put("/user/1").send({}).expect(500)


def test_mvc__put_user_id__should_update_the_user(app: Any) -> None:
    (
        request(app)
        .put("/user/1")
        .set("Content-Type", FORM)
        .send({"user": {"name": "Tobo"}})
        .expect(302)
    )
    request(app).get("/user/1/edit").expect(200, re.compile("Tobo"))


def test_mvc__post_user_id_pet__should_create_a_pet_for_user(app: Any) -> None:
    (
        request(app)
        .post("/user/2/pet")
        .set("Content-Type", FORM)
        .send({"pet": {"name": "Snickers"}})
        .expect("Location", "/user/2")
        .expect(302)
    )
    request(app).get("/user/2").expect(200, re.compile("Snickers"))
