"""Express's test/acceptance/web-service.js, against examples/express/web-service."""

import re
from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import request

JSON_UTF8 = "application/json; charset=utf-8"


@pytest.fixture
def app(load_example: Callable[[str], Any]) -> Any:
    return load_example("express/web-service/index.py")


def test_web_service__get_api_users__without_an_api_key__should_respond_with_400_bad_request(
    app: Any,
) -> None:
    request(app).get("/api/users").expect(400)


def test_web_service__get_api_users__with_an_invalid_api_key__should_respond_with_401_unauthorized(
    app: Any,
) -> None:
    request(app).get("/api/users?api-key=rawr").expect(401)


def test_web_service__get_api_users__with_a_valid_api_key__should_respond_users_json(
    app: Any,
) -> None:
    (
        request(app)
        .get("/api/users?api-key=foo")
        .expect("Content-Type", JSON_UTF8)
        .expect(200, '[{"name":"tobi"},{"name":"loki"},{"name":"jane"}]')
    )


def test_web_service__get_api_repos__without_an_api_key__should_respond_with_400_bad_request(
    app: Any,
) -> None:
    request(app).get("/api/repos").expect(400)


def test_web_service__get_api_repos__with_an_invalid_api_key__should_respond_with_401_unauthorized(
    app: Any,
) -> None:
    request(app).get("/api/repos?api-key=rawr").expect(401)


def test_web_service__get_api_repos__with_a_valid_api_key__should_respond_repos_json(
    app: Any,
) -> None:
    (
        request(app)
        .get("/api/repos?api-key=foo")
        .expect("Content-Type", JSON_UTF8)
        .expect(re.compile('"name":"express"'))
        .expect(re.compile(r'"url":"https://github.com/expressjs/express"'))
        .expect(200)
    )


def test_web_service__get_api_user_name_repos__without_an_api_key__should_respond_with_400_bad_request(  # noqa: E501
    app: Any,
) -> None:
    request(app).get("/api/user/loki/repos").expect(400)


def test_web_service__get_api_user_name_repos__with_an_invalid_api_key__should_respond_with_401_unauthorized(  # noqa: E501
    app: Any,
) -> None:
    request(app).get("/api/user/loki/repos?api-key=rawr").expect(401)


def test_web_service__get_api_user_name_repos__with_a_valid_api_key__should_respond_user_repos_json(
    app: Any,
) -> None:
    (
        request(app)
        .get("/api/user/loki/repos?api-key=foo")
        .expect("Content-Type", JSON_UTF8)
        .expect(re.compile('"name":"stylus"'))
        .expect(re.compile(r'"url":"https://github.com/learnboost/stylus"'))
        .expect(200)
    )


def test_web_service__get_api_user_name_repos__with_a_valid_api_key__should_404_with_unknown_user(
    app: Any,
) -> None:
    request(app).get("/api/user/bob/repos?api-key=foo").expect(404)


def test_web_service__when_requesting_an_invalid_route__should_respond_with_404_json(
    app: Any,
) -> None:
    (
        request(app)
        .get("/api/something?api-key=bar")
        .expect("Content-Type", re.compile("json"))
        .expect(404, '{"error":"Sorry, can\'t find that"}')
    )
