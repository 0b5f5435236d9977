"""Express's test/acceptance/content-negotiation.js, against its example."""

from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import request

HTML = "<ul><li>Tobi</li><li>Loki</li><li>Jane</li></ul>"
TEXT = " - Tobi\n - Loki\n - Jane\n"
JSON = '[{"name":"Tobi"},{"name":"Loki"},{"name":"Jane"}]'


@pytest.fixture
def app(load_example: Callable[[str], Any]) -> Any:
    return load_example("express/content-negotiation/index.py")


def test_content_negotiation__get__should_default_to_text_html(app: Any) -> None:
    request(app).get("/").expect(200, HTML)


def test_content_negotiation__get__should_accept_to_text_plain(app: Any) -> None:
    request(app).get("/").set("Accept", "text/plain").expect(200, TEXT)


def test_content_negotiation__get__should_accept_to_application_json(app: Any) -> None:
    request(app).get("/").set("Accept", "application/json").expect(200, JSON)


def test_content_negotiation__get_users__should_default_to_text_html(app: Any) -> None:
    request(app).get("/users").expect(200, HTML)


def test_content_negotiation__get_users__should_accept_to_text_plain(app: Any) -> None:
    request(app).get("/users").set("Accept", "text/plain").expect(200, TEXT)


def test_content_negotiation__get_users__should_accept_to_application_json(app: Any) -> None:
    request(app).get("/users").set("Accept", "application/json").expect(200, JSON)
