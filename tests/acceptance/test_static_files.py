"""examples/express/static-files.

Express has no acceptance test for this example; these request the three URLs its start-up
message suggests, the same files through the /static mount, and the css folder served at the
root by the third express.static(). The public/ files hold what Express's example's do, so
the same tests pass against a translation of the original (docs/porting.md).
"""

from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import request


@pytest.fixture
def app(load_example: Callable[[str], Any]) -> Any:
    return load_example("express/static-files/index.py")


def test_static_files__get_hello_txt__serves_the_file(app: Any) -> None:
    request(app).get("/hello.txt").expect("Content-Type", "text/plain; charset=utf-8").expect(
        200, "hey"
    )


def test_static_files__get_js_app_js__serves_the_file(app: Any) -> None:
    request(app).get("/js/app.js").expect(200, "// foo\n")


def test_static_files__get_css_style_css__serves_the_file(app: Any) -> None:
    request(app).get("/css/style.css").expect("Content-Type", "text/css; charset=utf-8").expect(
        200, "body {\n  \n}"
    )


def test_static_files__get_static_prefix__serves_the_same_files(app: Any) -> None:
    request(app).get("/static/hello.txt").expect(200, "hey")
    request(app).get("/static/js/app.js").expect(200, "// foo\n")


def test_static_files__get_style_css__is_served_from_the_css_folder(app: Any) -> None:
    request(app).get("/style.css").expect(200, "body {\n  \n}")


def test_static_files__get_missing__falls_through_to_404(app: Any) -> None:
    request(app).get("/nope.txt").expect(404)
    request(app).get("/static/css/nope.css").expect(404)
