"""Express's test/acceptance/markdown.js, against examples/express/markdown."""

import re
from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import request


@pytest.fixture
def app(load_example: Callable[[str], Any]) -> Any:
    return load_example("express/markdown/index.py")


def test_markdown__get__should_respond_with_html(app: Any) -> None:
    request(app).get("/").expect(re.compile(r"<h1[^>]*>Markdown Example</h1>"))


def test_markdown__get_fail__should_respond_with_an_error(app: Any) -> None:
    request(app).get("/fail").expect(500)
