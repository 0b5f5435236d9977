"""`req.session` without the session middleware says so (expresspy/session/missing.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from expresspy import express, session
from expresspy.session import MemoryStore
from expresspy.session.missing import SessionNotSetError
from expresspy.testing import request
from tests.api.helpers import error_message_app

MESSAGE = (
    "req.session is not set: add app.use(session(...)) before this route "
    "(from expresspy import session)"
)


@pytest.mark.parametrize(
    "use",
    [
        lambda s: s.user,
        lambda s: s.get("user"),
        lambda s: s["user"],
        lambda s: "user" in s,
        lambda s: setattr(s, "user", 1),
        lambda s: s.__setitem__("user", 1),
        lambda s: s.regenerate(),
        lambda s: list(s),
    ],
    ids=["attribute", "get", "item", "in", "set attribute", "set item", "method", "iterate"],
)
def test_any_use_of_req_session_without_the_middleware_names_the_fix(use: Any) -> None:
    assert issubclass(SessionNotSetError, AttributeError)
    app = error_message_app(lambda req: use(req.session), SessionNotSetError)
    request(app, server=True).get("/").expect(200, MESSAGE)


def test_the_error_page_shows_the_fix_not_a_nonetype_error() -> None:
    app = express()
    app.set("env", "development")
    app.get("/", lambda req, res: res.send(req.session.user))
    request(app, server=True).get("/").expect(
        500,
        re.compile(
            r"SessionNotSetError: req\.session is not set: add app\.use\(session\(\.\.\.\)\)"
        ),
    )


def test_req_session_is_falsy_without_the_middleware_so_js_style_checks_read_right() -> None:
    app = express()
    app.get("/", lambda req, res: res.send("no session" if not req.session else "session"))
    request(app, server=True).get("/").expect(200, "no session")


def test_with_the_middleware_skipping_the_request_req_session_is_none() -> None:
    # express-session leaves req.session undefined for a URL outside the cookie path.
    app = express()
    app.use(
        session(
            secret="s" * 32,
            store=MemoryStore(),
            resave=False,
            save_uninitialized=False,
            cookie={"path": "/app"},
        )
    )
    app.get("/other", lambda req, res: res.send(repr(req.session)))
    request(app, server=True).get("/other").expect(200, "None")


def test_with_the_middleware_req_session_works_as_before() -> None:
    app = express()
    app.use(session(secret="s" * 32, store=MemoryStore(), resave=False, save_uninitialized=False))

    @app.get("/")
    def count(req: Any, res: Any) -> None:
        req.session.n = (req.session.n or 0) + 1
        res.send(str(req.session.n))

    agent = request(app, server=True)
    r = agent.get("/").expect(200, "1")
    cookie = r.response.header["set-cookie"].split(";", 1)[0]
    agent.get("/").set("Cookie", cookie).expect(200, "2")
