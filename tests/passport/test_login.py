"""req.login / req.logout / req.is_authenticated: passport 0.6+'s session handling, in the
callback form and the awaitable form, and their error paths."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from expresspy import express
from expresspy.testing import agent, request

from .apps import USERS, make_app, make_passport


def sid(response: Any) -> str | None:
    for value in response.headers.get_all("set-cookie"):
        if value.startswith("connect.sid="):
            return str(value.split(";", 1)[0])
    return None


def login_app() -> Any:
    passport = make_passport()
    app = make_app(passport)

    @app.get("/visit")
    def visit(req: Any, res: Any) -> None:
        req.session.visits = (req.session.visits or 0) + 1
        res.json({"visits": req.session.visits})

    @app.get("/login-cb/:name")
    def login_cb(req: Any, res: Any, next: Any) -> None:
        req.login(
            USERS[req.params["name"]],
            lambda err: next(err) if err else res.json({"ok": req.is_authenticated()}),
        )

    @app.get("/login-await/:name")
    async def login_await(req: Any, res: Any) -> None:
        await req.logIn(USERS[req.params["name"]], {"keepSessionInfo": req.query.get("keep")})
        res.json({"ok": req.isAuthenticated(), "visits": req.session.visits})

    @app.get("/login-thread/:name")
    def login_thread(req: Any, res: Any) -> None:
        req.login(USERS[req.params["name"]]).result(5)  # blocking wait, fine in a thread
        res.json({"ok": True})

    @app.get("/logout-await")
    async def logout_await(req: Any, res: Any) -> None:
        await req.logout(keep_session_info=bool(req.query.get("keep")))
        res.json(
            {
                "authenticated": req.is_authenticated(),
                "unauth": req.is_unauthenticated(),
                "visits": req.session.visits,
            }
        )

    @app.get("/logout-cb")
    def logout_cb(req: Any, res: Any, next: Any) -> None:
        req.logOut(lambda err: next(err) if err else res.json({"out": True}))

    return app


@pytest.mark.parametrize("path", ["/login-cb/ann", "/login-await/ann", "/login-thread/ann"])
def test_login_regenerates_the_session_and_stores_the_user(path: str) -> None:
    client = agent(login_app(), server=True)
    first = sid(client.get("/visit").expect(200, {"visits": 1}).response)
    second = sid(client.get(path).expect(200).response)
    assert first and second and first != second  # a new session id: no fixation
    client.get("/me").expect(200, {"user": "ann", "authenticated": True, "passport": {"user": 1}})
    client.get("/visit").expect(200, {"visits": 1})  # nothing of the old session survived


def test_keep_session_info_keeps_the_old_data() -> None:
    client = agent(login_app(), server=True)
    client.get("/visit").expect(200, {"visits": 1})
    client.get("/login-await/bob?keep=1").expect(200, {"ok": True, "visits": 1})
    client.get("/visit").expect(200, {"visits": 2})


def test_logout_removes_the_user_and_regenerates() -> None:
    client = agent(login_app(), server=True)
    client.get("/login-cb/ann").expect(200, {"ok": True})
    client.get("/visit").expect(200, {"visits": 1})
    client.get("/logout-await?keep=1").expect(
        200, {"authenticated": False, "unauth": True, "visits": 1}
    )
    client.get("/me").expect(200, {"user": None, "authenticated": False, "passport": {}})
    client.get("/login-cb/bob").expect(200)
    client.get("/logout-cb").expect(200, {"out": True})
    client.get("/me").expect(200, {"user": None, "authenticated": False, "passport": None})


def test_login_and_logout_without_a_session_fail_clearly() -> None:
    passport = make_passport()
    app = express()
    app.use(passport.initialize())

    @app.get("/in")
    async def log_in(req: Any, res: Any) -> None:
        await req.login(USERS["ann"])

    @app.get("/in-no-session")
    async def log_in_only(req: Any, res: Any) -> None:
        await req.login(USERS["ann"], session=False)
        res.json({"user": req.user["username"], "auth": req.is_authenticated()})

    app.get("/out", lambda req, res, next: req.logout(lambda err: next(err)))
    app.use(lambda err, req, res, next: res.status(500).json({"error": str(err), "user": req.user}))
    message = (
        "Login sessions require session support. Did you forget to use the session() "
        "middleware (express-session)?"
    )
    request(app).get("/in").expect(500, {"error": message, "user": None})
    request(app).get("/out").expect(500, {"error": message, "user": None})
    request(app).get("/in-no-session").expect(200, {"user": "ann", "auth": True})


def test_a_login_callback_that_raises_gets_the_error_page() -> None:
    passport = make_passport()
    app = make_app(passport)

    @app.get("/in")
    def log_in(req: Any, res: Any) -> None:
        def done(err: Any) -> None:
            raise RuntimeError("callback failed")

        req.login(USERS["ann"], done)

    app.set("env", "production")
    request(app).get("/in").expect(500)


def test_login_callback_runs_off_the_loop_for_a_def_handler() -> None:
    passport = make_passport()
    app = make_app(passport)
    threads: list[bool] = []

    @app.get("/in")
    def log_in(req: Any, res: Any) -> None:
        def done(err: Any) -> None:
            try:
                asyncio.get_running_loop()
                threads.append(True)  # on the event loop
            except RuntimeError:
                threads.append(False)
            res.send("in")

        req.login(USERS["ann"], done)

    request(app).get("/in").expect(200, "in")
    assert threads == [False]
