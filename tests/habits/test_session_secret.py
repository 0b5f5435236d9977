"""session() without a secret uses cookie-parser's (`req.secret`), as express-session does:
the secret option unset means `req.secret` on each request; neither is a 500."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest

from expresspy import express, session
from expresspy.cookies import sign
from expresspy.middleware import cookie_parser
from expresspy.testing import agent, request


def app_with(parser: Any) -> Any:
    app = express()
    if parser is not None:
        app.use(parser)
    with pytest.warns(FutureWarning, match=r"no secret option.*req\.secret"):
        app.use(session(resave=False, save_uninitialized=False))

    @app.get("/login")
    def login(req: Any, res: Any) -> None:
        req.session.user = "ada"
        res.send(req.session_id)

    app.get("/me", lambda req, res: res.send(str(req.session.user)))
    return app


def test_session_signs_with_cookie_parsers_secret() -> None:
    client = agent(app_with(cookie_parser(["parser secret", "old"])))
    response = client.get("/login").expect(200)
    sid = response.text
    header = response.headers["set-cookie"]
    value = unquote(re.match(r"connect\.sid=([^;]+)", header).group(1))  # type: ignore[union-attr]
    assert value == "s:" + sign(sid, "parser secret")  # the first secret signs
    client.get("/me").expect(200, "ada")


def test_a_cookie_signed_with_another_secret_is_not_accepted() -> None:
    app = app_with(cookie_parser("parser secret"))
    forged = "s:" + sign("someid", "other secret")
    request(app).get("/me").set("Cookie", f"connect.sid={forged}").expect(200, "None")


@pytest.mark.parametrize("parser", [None, cookie_parser()], ids=["no-parser", "no-secret"])
def test_no_secret_anywhere_is_a_500_naming_it(parser: Any) -> None:
    app = app_with(parser)
    app.set("env", "development")
    request(app).get("/login").expect(500, re.compile("secret option required for sessions"))
