"""Port of Express 5 test/app.request.js.

``app.request.name = fn`` adds a method to the app's requests, as Express extends the
request prototype.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from expresspy import express
from expresspy.testing import request

from .support import extension_serves

# A name no app extended reads as an AttributeError (SPEC.md "Names on req/res"): a 500, as
# Express's "undefined is not a function" TypeError is.
MISSING = re.compile("AttributeError: .*Request.* object has no attribute .*foobar")


def tobi(req: Any) -> str:
    return "tobi"


def loki(req: Any) -> str:
    return "loki"


def send_foobar(req: Any, res: Any) -> None:
    res.send(req.foobar())


def test_app__request__should_extend_the_request_prototype() -> None:
    app = express()
    app.request.querystring = lambda self: urlsplit(self.url).query
    app.use(lambda req, res: res.end(req.querystring()))
    request(app).get("/foo?name=tobi").expect("name=tobi")


def test_app__request__should_only_extend_for_the_referenced_app() -> None:
    extension_serves(
        "request",
        "foobar",
        send_foobar,
        tobi,
        mount=False,
        expect=[(1, "/", 200, "tobi"), (2, "/", 500, MISSING)],
    )


def test_app__request__should_inherit_to_sub_apps() -> None:
    extension_serves(
        "request",
        "foobar",
        send_foobar,
        tobi,
        expect=[(1, "/", 200, "tobi"), (1, "/sub", 200, "tobi")],
    )


def test_app__request__should_allow_sub_app_to_override() -> None:
    extension_serves(
        "request",
        "foobar",
        send_foobar,
        tobi,
        loki,
        expect=[(1, "/", 200, "tobi"), (1, "/sub", 200, "loki")],
    )


def test_app__request__should_not_pollute_parent_app() -> None:
    extension_serves(
        "request",
        "foobar",
        send_foobar,
        tobi,
        loki,
        app1_path="/sub/foo",
        expect=[(1, "/sub", 200, "loki"), (1, "/sub/foo", 200, "tobi")],
    )
