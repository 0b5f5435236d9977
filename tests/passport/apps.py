"""Shared pieces of the passport tests: users, a fresh Authenticator, an app around it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from expresspy import Application, express, session
from expresspy.middleware import flash
from expresspy.passport import Authenticator, LocalStrategy

USERS: dict[str, dict[str, Any]] = {
    "ann": {"id": 1, "username": "ann", "password": "secret"},
    "bob": {"id": 2, "username": "bob", "password": "hunter2"},
}
BY_ID = {user["id"]: user for user in USERS.values()}


def check(username: str, password: str) -> dict[str, Any] | None:
    """The user with these credentials, or None."""
    user = USERS.get(username)
    return user if user is not None and user["password"] == password else None


def node_verify(username: str, password: str, done: Callable[..., Any]) -> None:
    """passport-local's verify form."""
    user = check(username, password)
    if user is None:
        done(None, False, {"message": "Incorrect username or password."})
    else:
        done(None, user)


def make_passport(verify: Callable[..., Any] = node_verify, **options: Any) -> Authenticator:
    """An independent passport with LocalStrategy(verify) and id (de)serializers."""
    passport = Authenticator()
    passport.use(LocalStrategy(verify, **options))
    passport.serialize_user(lambda user, done: done(None, user["id"]))
    passport.deserialize_user(lambda user_id, done: done(None, BY_ID.get(user_id)))
    return passport


def make_app(passport: Authenticator, *, initialize: dict[str, Any] | None = None) -> Application:
    """body parsers, session, flash, passport.initialize and passport.session, and /me."""
    app = express()
    app.use(express.urlencoded())
    app.use(express.json())
    app.use(session(secret="passport tests", resave=False, save_uninitialized=False))
    app.use(flash())
    app.use(passport.initialize(initialize or {}))
    app.use(passport.session())
    prop = (initialize or {}).get("userProperty", "user")

    @app.get("/me")
    def me(req: Any, res: Any) -> None:
        user = getattr(req, prop)
        res.json(
            {
                "user": user["username"] if user else None,
                "authenticated": req.is_authenticated(),
                "passport": req.session.get("passport"),
            }
        )

    return app


def form(test: Any, body: str) -> Any:
    """Send `body` as an urlencoded form."""
    return test.type("form").send(body)
