"""Express's test/acceptance/error-pages.js, against examples/express/error-pages."""

import re
from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import request


@pytest.fixture
def app(load_example: Callable[[str], Any]) -> Any:
    return load_example("express/error-pages/index.py")


def test_error_pages__get__should_respond_with_page_list(app: Any) -> None:
    request(app).get("/").expect(re.compile("Pages Example"))


def test_error_pages__accept_text_html__get_403__should_respond_with_403(app: Any) -> None:
    request(app).get("/403").expect(403)


def test_error_pages__accept_text_html__get_404__should_respond_with_404(app: Any) -> None:
    request(app).get("/404").expect(404)


def test_error_pages__accept_text_html__get_500__should_respond_with_500(app: Any) -> None:
    request(app).get("/500").expect(500)


def test_error_pages__accept_application_json__get_403__should_respond_with_403(app: Any) -> None:
    request(app).get("/403").set("Accept", "application/json").expect(403)


def test_error_pages__accept_application_json__get_404__should_respond_with_404(app: Any) -> None:
    request(app).get("/404").set("Accept", "application/json").expect(404, {"error": "Not found"})


def test_error_pages__accept_application_json__get_500__should_respond_with_500(app: Any) -> None:
    request(app).get("/500").set("Accept", "application/json").expect(500)


def test_error_pages__accept_text_plain__get_403__should_respond_with_403(app: Any) -> None:
    request(app).get("/403").set("Accept", "text/plain").expect(403)


def test_error_pages__accept_text_plain__get_404__should_respond_with_404(app: Any) -> None:
    request(app).get("/404").set("Accept", "text/plain").expect(404).expect("Not found")


def test_error_pages__accept_text_plain__get_500__should_respond_with_500(app: Any) -> None:
    request(app).get("/500").set("Accept", "text/plain").expect(500)
