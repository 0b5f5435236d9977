"""Port of Express 5 test/app.response.js.

``app.response.name = fn`` adds a method to the app's responses, as Express extends the
response prototype; a response without it raises AttributeError where JavaScript says
"is not a function".
"""

from __future__ import annotations

import re
from typing import Any

from expresspy import express
from expresspy.testing import request

from .support import extension_serves

MISSING = re.compile("AttributeError: .*has no attribute .*shout")


def upper(res: Any, text: str) -> None:
    res.send(text.upper())


def bang(res: Any, text: str) -> None:
    res.send(text + "!")


def shout_foo(req: Any, res: Any) -> None:
    res.shout("foo")


def test_app__response__should_extend_the_response_prototype() -> None:
    app = express()
    app.response.shout = upper
    app.use(lambda req, res: res.shout("hey"))
    request(app).get("/").expect("HEY")


def test_app__response__should_only_extend_for_the_referenced_app() -> None:
    extension_serves(
        "response",
        "shout",
        shout_foo,
        upper,
        mount=False,
        expect=[(1, "/", 200, "FOO"), (2, "/", 500, MISSING)],
    )


def test_app__response__should_inherit_to_sub_apps() -> None:
    extension_serves(
        "response",
        "shout",
        shout_foo,
        upper,
        expect=[(1, "/", 200, "FOO"), (1, "/sub", 200, "FOO")],
    )


def test_app__response__should_allow_sub_app_to_override() -> None:
    extension_serves(
        "response",
        "shout",
        shout_foo,
        upper,
        bang,
        expect=[(1, "/", 200, "FOO"), (1, "/sub", 200, "foo!")],
    )


def test_app__response__should_not_pollute_parent_app() -> None:
    extension_serves(
        "response",
        "shout",
        shout_foo,
        upper,
        bang,
        app1_path="/sub/foo",
        expect=[(1, "/sub", 200, "foo!"), (1, "/sub/foo", 200, "FOO")],
    )
