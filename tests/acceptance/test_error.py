"""Express's test/acceptance/error.js, against examples/express/error."""

from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import request


@pytest.fixture
def app(load_example: Callable[[str], Any]) -> Any:
    return load_example("express/error/index.py")


def test_error__get__should_respond_with_500(app: Any) -> None:
    request(app).get("/").expect(500, "Internal Server Error")


def test_error__get_next__should_respond_with_500(app: Any) -> None:
    request(app).get("/next").expect(500, "Internal Server Error")


def test_error__get_missing__should_respond_with_404(app: Any) -> None:
    request(app).get("/missing").expect(404)
