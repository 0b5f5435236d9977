"""Express's test/acceptance/route-map.js, against examples/express/route-map."""

from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import request


@pytest.fixture
def app(load_example: Callable[[str], Any]) -> Any:
    return load_example("express/route-map/index.py")


def test_route_map__get_users__should_respond_with_users(app: Any) -> None:
    request(app).get("/users").expect("user list")


def test_route_map__delete_users__should_delete_users(app: Any) -> None:
    request(app).delete("/users").expect("delete users")


def test_route_map__get_users_id__should_get_a_user(app: Any) -> None:
    request(app).get("/users/12").expect("user 12")


def test_route_map__get_users_id_pets__should_get_a_users_pets(app: Any) -> None:
    request(app).get("/users/12/pets").expect("user 12's pets")


def test_route_map__get_users_id_pets_pid__should_get_a_users_pet(app: Any) -> None:
    request(app).delete("/users/12/pets/2").expect("delete 12's pet 2")
