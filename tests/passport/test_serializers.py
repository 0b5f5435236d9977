"""serialize_user / deserialize_user / transform chains: passport's "pass" and undefined rules,
the Pythonic return forms, and their failures."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from expresspy.passport import Authenticator, LocalStrategy
from expresspy.testing import agent, request

from .apps import BY_ID, USERS, check, form, make_app


def app_with(passport: Authenticator) -> Any:
    passport.use(LocalStrategy(lambda u, p: check(u, p)))
    app = make_app(passport)
    app.post("/login", passport.authenticate("local"), lambda req, res: res.send("in"))
    app.use(lambda err, req, res, next: res.status(500).send(str(err)))
    return app


def test_chains_skip_pass_and_undefined() -> None:
    passport = Authenticator()
    passport.serialize_user(lambda user, done: done("pass"))
    passport.serialize_user(lambda user, done: done())  # undefined: next one
    passport.serialize_user(
        lambda req, user, done: done(None, {"id": user["id"], "ua": req.get("User-Agent")})
    )

    @passport.deserialize_user
    def skip(stored: Any, done: Any) -> None:
        done("pass")

    @passport.deserializeUser
    async def by_id(stored: Any) -> Any:
        await asyncio.sleep(0)
        return BY_ID.get(stored["id"])

    client = agent(app_with(passport))
    form(client.post("/login").set("User-Agent", "t"), "username=bob&password=hunter2").expect(
        200, "in"
    )
    client.get("/me").expect(
        200, {"user": "bob", "authenticated": True, "passport": {"user": {"id": 2, "ua": "t"}}}
    )


def test_serializing_zero_is_a_value() -> None:
    passport = Authenticator()
    passport.serialize_user(lambda user: 0)
    passport.deserialize_user(lambda stored: USERS["ann"] if stored == 0 else None)
    client = agent(app_with(passport))
    form(client.post("/login"), "username=ann&password=secret").expect(200)
    client.get("/me").expect(200, {"user": "ann", "authenticated": True, "passport": {"user": 0}})


def test_no_serializer_answers() -> None:
    passport = Authenticator()
    passport.serialize_user(lambda user, done: done(None, None))
    app = app_with(passport)
    form(request(app).post("/login"), "username=ann&password=secret").expect(
        500, "Failed to serialize user into session"
    )


def test_no_deserializer_answers() -> None:
    passport = Authenticator()
    passport.serialize_user(lambda user: user["id"])
    passport.deserialize_user(lambda stored, done: done())
    client = agent(app_with(passport))
    form(client.post("/login"), "username=ann&password=secret").expect(200)
    client.get("/me").expect(500, "Failed to deserialize user out of session")


def test_a_deserializer_error_is_the_requests_error() -> None:
    passport = Authenticator()
    passport.serialize_user(lambda user: user["id"])

    @passport.deserialize_user
    def broken(stored: Any) -> Any:
        raise LookupError("user table gone")

    client = agent(app_with(passport))
    form(client.post("/login"), "username=ann&password=secret").expect(200)
    client.get("/me").expect(500, "user table gone")


@pytest.mark.parametrize("gone", [None, False])
def test_a_vanished_user_is_dropped_from_the_session(gone: Any) -> None:
    passport = Authenticator()
    passport.serialize_user(lambda user: user["id"])
    state = {"present": True}
    passport.deserialize_user(lambda stored: BY_ID[stored] if state["present"] else gone)
    client = agent(app_with(passport))
    form(client.post("/login"), "username=ann&password=secret").expect(200)
    client.get("/me").expect(200, {"user": "ann", "authenticated": True, "passport": {"user": 1}})
    state["present"] = False
    client.get("/me").expect(200, {"user": None, "authenticated": False, "passport": {}})
    state["present"] = True
    client.get("/me").expect(200, {"user": None, "authenticated": False, "passport": {}})


def test_registering_a_non_function_is_refused() -> None:
    with pytest.raises(TypeError, match="needs a function"):
        Authenticator().serialize_user("id")  # type: ignore[arg-type]
