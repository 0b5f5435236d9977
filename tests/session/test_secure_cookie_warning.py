"""`cookie={"secure": True}` over plain HTTP: no cookie (as express-session), and one WARNING
per middleware saying why and what to do (expresspy/session/insecure.py)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from expresspy import express, session
from expresspy.session import MemoryStore
from expresspy.testing import request

MESSAGE = (
    "session(): the session cookie is Secure but GET /login came over plain HTTP, so no "
    "Set-Cookie was sent and the session will not persist. Behind a proxy that terminates "
    'TLS, app.set("trust proxy", 1) (or session(proxy=True)); to serve plain HTTP in '
    'development, use cookie={"secure": "auto"} (Secure only over HTTPS)'
)


def session_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "expresspy.session" and r.levelno == logging.WARNING
    ]


def login_app(secure: Any, trust_proxy: bool = False) -> Any:
    app = express()
    app.set("trust proxy", trust_proxy)
    app.use(
        session(
            secret="s" * 32,
            store=MemoryStore(),
            resave=False,
            save_uninitialized=False,
            cookie={"secure": secure},
        )
    )

    @app.get("/login")
    def login(req: Any, res: Any) -> None:
        req.session.user = "ada"
        res.send("in")

    return app


def test_a_secure_cookie_over_plain_http_is_not_sent_and_is_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    agent = request(login_app(True), server=True)
    with caplog.at_level(logging.WARNING, logger="expresspy.session"):
        for _ in range(3):
            r = agent.get("/login").expect(200, "in")
            assert "set-cookie" not in r.response.header
    assert session_warnings(caplog) == [MESSAGE]


def test_each_middleware_warns_for_itself(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="expresspy.session"):
        request(login_app(True), server=True).get("/login").expect(200)
        request(login_app(True), server=True).get("/login").expect(200)
    assert session_warnings(caplog) == [MESSAGE, MESSAGE]


@pytest.mark.parametrize(
    ("secure", "trust", "forwarded", "sent"),
    [
        (True, True, "https", True),  # behind a TLS proxy, trusted: sent, nothing to say
        ("auto", False, None, True),  # auto: not Secure over http, sent
    ],
)
def test_the_documented_fixes_send_the_cookie_without_a_warning(
    caplog: pytest.LogCaptureFixture, secure: Any, trust: bool, forwarded: str | None, sent: bool
) -> None:
    call = request(login_app(secure, trust), server=True).get("/login")
    if forwarded:
        call = call.set("X-Forwarded-Proto", forwarded)
    with caplog.at_level(logging.WARNING, logger="expresspy.session"):
        r = call.expect(200, "in")
    assert ("set-cookie" in r.response.header) is sent
    assert session_warnings(caplog) == []
