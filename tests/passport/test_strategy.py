"""Strategy: writing one's own strategy with passport's actions, and the session strategy."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from expresspy.passport import Authenticator, Strategy
from expresspy.testing import agent, request

from .apps import BY_ID, USERS, make_app


class HeaderStrategy(Strategy):
    """X-User names the user; X-Action picks another action; actions may come from a thread."""

    name = "header"

    async def authenticate(self, req: Any, options: Any) -> None:
        action = req.get("X-Action")
        if action == "error":
            self.error(RuntimeError("strategy broke"))
        elif action == "raise":
            raise RuntimeError("strategy raised")
        elif action == "pass":
            getattr(self, "pass")()
        elif action == "redirect":
            self.redirect("https://idp.example/auth")
        elif action == "thread":
            user = USERS.get(req.get("X-User") or "")
            threading.Timer(0.01, self.success, (user,)).start()
        elif action == "twice":
            self.fail("Header", 401)
            self.success(USERS["ann"])  # ignored: the first action decided
        else:
            user = USERS.get(req.get("X-User") or "")
            self.success(user, {"via": "header"}) if user else self.fail('Header realm="x"')


class SyncStrategy(Strategy):
    """A plain def authenticate (runs in a worker thread)."""

    name = "sync"

    def authenticate(self, req: Any, options: Any) -> None:
        self.success(USERS["bob"]) if options.get("let_in") else self.fail(403)


def strategy_app() -> Any:
    passport = Authenticator()
    passport.use(HeaderStrategy()).use(SyncStrategy())
    passport.serialize_user(lambda user: user["id"])
    passport.deserialize_user(lambda user_id: BY_ID.get(user_id))
    app = make_app(passport)
    app.get(
        "/h",
        passport.authenticate("header"),
        lambda req, res: res.json(
            {"user": req.user["username"] if req.user else None, "info": req.auth_info}
        ),
    )
    app.get(
        "/sync-in",
        passport.authenticate("sync", let_in=True),
        lambda req, res: res.json({"user": req.user["username"]}),
    )
    app.get("/sync-out", passport.authenticate("sync"))
    app.get("/both", passport.authenticate(["header", "sync"]))
    app.use(lambda err, req, res, next: res.status(500).send(str(err)))
    return app


def test_success_fail_and_challenge() -> None:
    app = strategy_app()
    client = agent(app)
    client.get("/h").set("X-User", "ann").expect(200, {"user": "ann", "info": {"via": "header"}})
    client.get("/me").expect(200, {"user": "ann", "authenticated": True, "passport": {"user": 1}})
    response = request(app).get("/h").expect(401, "Unauthorized").response
    assert response.headers.get_all("www-authenticate") == ['Header realm="x"']


def test_other_actions() -> None:
    app = strategy_app()
    request(app).get("/h").set("X-Action", "error").expect(500, "strategy broke")
    request(app).get("/h").set("X-Action", "raise").expect(500, "strategy raised")
    request(app).get("/h").set("X-Action", "pass").expect(200, {"user": None, "info": None})
    (
        request(app)
        .get("/h")
        .set("X-Action", "redirect")
        .expect(302)
        .expect("Location", "https://idp.example/auth")
        .expect("Content-Length", "0")
    )
    (
        request(app)
        .get("/h")
        .set("X-Action", "thread")
        .set("X-User", "bob")
        .expect(200, {"user": "bob", "info": {}})
    )
    request(app).get("/h").set("X-Action", "twice").expect(401)


def test_plain_def_strategies_and_options_reach_the_strategy() -> None:
    app = strategy_app()
    request(app).get("/sync-in").expect(200, {"user": "bob"})
    request(app).get("/sync-out").expect(403, "Forbidden")


def test_several_strategies_challenges_and_first_status() -> None:
    response = request(strategy_app()).get("/both").expect(403).response
    assert response.headers.get_all("www-authenticate") == []  # only sent with a 401


def test_actions_outside_authenticate_and_the_abstract_method() -> None:
    strategy = HeaderStrategy()
    with pytest.raises(RuntimeError, match="only be called while passport runs"):
        strategy.success({"id": 1})
    with pytest.raises(NotImplementedError):
        Strategy().authenticate(None, {})


def test_unnamed_strategies_need_a_name() -> None:
    with pytest.raises(ValueError, match="must have a name"):
        Authenticator().use(Strategy())
    assert Authenticator().use("custom", Strategy()).strategy("custom") is not None
