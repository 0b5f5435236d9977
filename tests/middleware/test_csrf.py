"""csrf(): the session-bound synchronizer token (csrf-sync's model, csurf's token places and
error), its options and its error paths."""

from __future__ import annotations

import re
from typing import Any

import pytest

from expresspy import express, session
from expresspy.errors import HTTPError
from expresspy.middleware import csrf
from expresspy.middleware.csrf import CsrfProtection
from expresspy.testing import agent, request


def csrf_app(*args: Any, **options: Any) -> Any:
    app = express()
    app.use(express.urlencoded())
    app.use(express.json())
    app.use(session(secret="csrf", resave=False, save_uninitialized=False))
    app.use(csrf(*args, **options))
    app.get("/token", lambda req, res: res.json({"token": req.csrf_token()}))
    app.post("/transfer", lambda req, res: res.json({"ok": True}))
    app.delete("/transfer", lambda req, res: res.json({"deleted": True}))

    def errors(err: Any, req: Any, res: Any, next: Any) -> None:
        res.status(err.status).json({"code": err.code, "message": err.message})

    app.use(errors)
    return app


BAD = {"code": "EBADCSRFTOKEN", "message": "invalid csrf token"}


def token_of(client: Any) -> str:
    return str(client.get("/token").expect(200).response.body["token"])


def test_token_shape_and_stability() -> None:
    client = agent(csrf_app(), server=True)
    token = token_of(client)
    assert re.fullmatch(r"[0-9a-f]{256}", token)  # 128 random bytes, as csrf-sync
    assert token_of(client) == token  # one token per session
    assert token_of(agent(csrf_app())) != token


@pytest.mark.parametrize("header", ["X-CSRF-Token", "CSRF-Token", "XSRF-Token", "X-XSRF-Token"])
def test_every_token_header_is_accepted(header: str) -> None:
    client = agent(csrf_app(), server=True)
    token = token_of(client)
    client.post("/transfer").set(header, token).expect(200, {"ok": True})
    client.delete("/transfer").set(header, token).expect(200, {"deleted": True})


def test_body_field_json_and_form() -> None:
    client = agent(csrf_app(), server=True)
    token = token_of(client)
    client.post("/transfer").type("form").send(f"_csrf={token}").expect(200)
    client.post("/transfer").send({"_csrf": token}).expect(200)
    client.post("/transfer").send({"_csrf": [token, token]}).expect(403, BAD)  # not a string


def test_refusals() -> None:
    client = agent(csrf_app(), server=True)
    token = token_of(client)
    client.post("/transfer").expect(403, BAD)
    tampered = token[:-1] + ("1" if token.endswith("0") else "0")  # always differs from token
    client.post("/transfer").set("X-CSRF-Token", tampered).expect(403, BAD)
    client.post("/transfer").set("X-CSRF-Token", "é" * 4).expect(403, BAD)  # non-ASCII: no crash
    client.post(f"/transfer?_csrf={token}").expect(403, BAD)  # the query string is not read
    request(csrf_app()).post("/transfer").set("X-CSRF-Token", token).expect(403, BAD)


def test_the_default_error_page_is_a_403() -> None:
    app = express()
    app.use(session(secret="csrf", resave=False, save_uninitialized=False))
    app.use(csrf())
    app.post("/", lambda req, res: res.send("never"))
    app.set("env", "production")
    request(app).post("/").expect(403, re.compile("Forbidden"))


def test_ignored_methods_skip_and_custom_places() -> None:
    store: dict[str, str | None] = {}

    def get_state(req: Any) -> Any:
        return store.get("token")

    def put_state(req: Any, token: str | None) -> None:
        store["token"] = token

    app = csrf_app(
        {
            "ignoredMethods": ["GET", "DELETE"],
            "getTokenFromRequest": lambda req: req.get("X-Mine"),
            "getTokenFromState": get_state,
            "storeTokenInState": put_state,
            "skipCsrfProtection": lambda req: req.get("X-Skip") == "yes",
            "size": 16,
            "errorConfig": {"statusCode": 419, "code": "ECSRF"},
        }
    )
    client = agent(app)
    token = token_of(client)
    assert store["token"] == token and len(token) == 32
    client.delete("/transfer").expect(200)
    client.post("/transfer").set("X-Skip", "yes").expect(200)
    client.post("/transfer").set("X-CSRF-Token", token).expect(
        419, {"code": "ECSRF", "message": "invalid csrf token"}
    )
    client.post("/transfer").set("X-Mine", token).expect(200)


def test_renew_and_revoke() -> None:
    protection = csrf()
    app = express()
    app.use(session(secret="csrf", resave=False, save_uninitialized=False))
    app.use(protection)
    app.get("/token", lambda req, res: res.json({"token": req.csrfToken()}))
    app.get("/renew", lambda req, res: res.json({"token": req.csrf_token(True)}))

    @app.get("/revoke")
    def revoke(req: Any, res: Any) -> None:
        protection.revoke_token(req)
        res.json({"stored": req.session.csrfToken})

    app.post("/", lambda req, res: res.send("ok"))
    client = agent(app)
    first = token_of(client)
    renewed = client.get("/renew").expect(200).response.body["token"]
    assert renewed != first
    client.post("/").set("X-CSRF-Token", first).expect(403)
    client.post("/").set("X-CSRF-Token", renewed).expect(200, "ok")
    client.get("/revoke").expect(200, {"stored": None})
    client.post("/").set("X-CSRF-Token", renewed).expect(403)


def test_without_a_session_the_error_says_so() -> None:
    app = express()
    app.use(csrf())
    app.post("/", lambda req, res: res.send("never"))
    app.use(lambda err, req, res, next: res.status(500).send(str(err)))
    response = request(app).post("/").expect(500).response
    assert response.text.startswith("misconfigured csrf: req.session is missing")


def test_helpers_and_misconfiguration() -> None:
    protection = csrf()
    assert isinstance(protection, CsrfProtection)
    error = protection.invalid_csrf_token_error()
    assert isinstance(error, HTTPError) and (error.status, error.code) == (403, "EBADCSRFTOKEN")  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="unknown option"):
        csrf(ignore_methods=["GET"])
    with pytest.raises(TypeError, match="not a string"):
        csrf(ignored_methods="GET")
    with pytest.raises(ValueError, match="at least 16"):
        csrf(size=8)
