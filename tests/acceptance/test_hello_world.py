"""Express's test/acceptance/hello-world.js, against examples/express/hello-world."""

from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import request


@pytest.fixture
def app(load_example: Callable[[str], Any]) -> Any:
    return load_example("express/hello-world/index.py")


def test_hello_world__get__should_respond_with_hello_world(app: Any) -> None:
    request(app).get("/").expect(200, "Hello World")


def test_hello_world__get_missing__should_respond_with_404(app: Any) -> None:
    request(app).get("/missing").expect(404)
