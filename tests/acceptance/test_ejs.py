"""Express's test/acceptance/ejs.js, against examples/express/ejs (Jinja2 templates)."""

import re
from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import request


@pytest.fixture
def app(load_example: Callable[[str], Any]) -> Any:
    return load_example("express/ejs/index.py")


def test_ejs__get__should_respond_with_html(app: Any) -> None:
    (
        request(app)
        .get("/")
        .expect("Content-Type", "text/html; charset=utf-8")
        .expect(re.compile(r"<li>tobi &lt;tobi@learnboost\.com&gt;</li>"))
        .expect(re.compile(r"<li>loki &lt;loki@learnboost\.com&gt;</li>"))
        .expect(re.compile(r"<li>jane &lt;jane@learnboost\.com&gt;</li>"))
        .expect(200)
    )
