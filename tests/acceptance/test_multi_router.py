"""Express's test/acceptance/multi-router.js, against examples/express/multi-router."""

from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import request


@pytest.fixture
def app(load_example: Callable[[str], Any]) -> Any:
    return load_example("express/multi-router/index.py")


def test_multi_router__get__should_respond_with_root_handler(app: Any) -> None:
    request(app).get("/").expect(200, "Hello from root route.")


def test_multi_router__get_api_v1__should_respond_with_apiv1_root_handler(app: Any) -> None:
    request(app).get("/api/v1/").expect(200, "Hello from APIv1 root route.")


def test_multi_router__get_api_v1_users__should_respond_with_users_from_apiv1(app: Any) -> None:
    request(app).get("/api/v1/users").expect(200, "List of APIv1 users.")


def test_multi_router__get_api_v2__should_respond_with_apiv2_root_handler(app: Any) -> None:
    request(app).get("/api/v2/").expect(200, "Hello from APIv2 root route.")


def test_multi_router__get_api_v2_users__should_respond_with_users_from_apiv2(app: Any) -> None:
    request(app).get("/api/v2/users").expect(200, "List of APIv2 users.")
