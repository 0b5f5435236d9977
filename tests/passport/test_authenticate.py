"""passport.authenticate(): options in both spellings, the custom callback from every kind of
handler, authorize, transformers, userProperty, and the error paths."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from expresspy.passport import AuthenticationError, Authenticator
from expresspy.testing import agent, request

from .apps import form, make_app, make_passport


def test_dict_and_keyword_options_are_the_same() -> None:
    passport = make_passport()
    app = make_app(passport)
    app.post(
        "/a", passport.authenticate("local", {"successRedirect": "/ok", "failureRedirect": "/no"})
    )
    app.post("/b", passport.authenticate("local", success_redirect="/ok", failure_redirect="/no"))
    for path in ("/a", "/b"):
        form(request(app).post(path), "username=ann&password=secret").expect("Location", "/ok")
        form(request(app).post(path), "username=ann&password=bad").expect("Location", "/no")


def test_fail_with_error_passes_an_authentication_error() -> None:
    passport = make_passport()
    app = make_app(passport)
    app.post("/login", passport.authenticate("local", fail_with_error=True))

    def handler(err: Any, req: Any, res: Any, next: Any) -> None:
        assert isinstance(err, AuthenticationError)
        res.status(err.status).json({"name": err.name, "message": err.message})

    app.use(handler)
    form(request(app).post("/login"), "username=ann&password=bad").expect(
        401, {"name": "AuthenticationError", "message": "Unauthorized"}
    )
    # without a handler of its own the default error page shows the 401
    bare = make_app(passport)
    bare.post("/login", passport.authenticate("local", fail_with_error=True))
    form(request(bare).post("/login"), "username=ann&password=bad").expect(401)


def callback_app(kind: str) -> Any:
    """/login runs the custom-callback idiom from a handler of the given kind."""
    passport = make_passport()
    app = make_app(passport)

    def answer(req: Any, res: Any, next: Any) -> Any:
        def done(err: Any, user: Any, info: Any) -> Any:  # three parameters: status dropped
            if err:
                return next(err)
            if not user:
                return res.status(401).json(info)
            req.login(user, lambda e: next(e) if e else res.json({"user": user["username"]}))

        return done

    if kind == "def":

        @app.post("/login")
        def login_def(req: Any, res: Any, next: Any) -> None:
            passport.authenticate("local", answer(req, res, next))(req, res, next)
    elif kind == "async awaited":

        @app.post("/login")
        async def login_awaited(req: Any, res: Any, next: Any) -> None:
            await passport.authenticate("local", answer(req, res, next))(req, res, next)
    elif kind == "async not awaited":

        @app.post("/login")
        async def login_fire(req: Any, res: Any, next: Any) -> None:
            passport.authenticate("local", answer(req, res, next))(req, res, next)
    else:  # an async callback

        @app.post("/login")
        async def login_async_cb(req: Any, res: Any, next: Any) -> None:
            async def done(err: Any, user: Any, info: Any = None, status: Any = None) -> None:
                if not user:
                    res.status(401).json({"info": info, "status": status})
                    return
                await req.login(user)
                res.json({"user": user["username"]})

            passport.authenticate("local", done)(req, res, next)

    return app


@pytest.mark.parametrize("kind", ["def", "async awaited", "async not awaited", "async cb"])
def test_custom_callback_from_every_kind_of_handler(kind: str) -> None:
    app = callback_app(kind)
    client = agent(app, server=True)
    form(client.post("/login"), "username=ann&password=bad").expect(401)
    form(client.post("/login"), "username=bob&password=hunter2").expect(200, {"user": "bob"})
    client.get("/me").expect(200, {"user": "bob", "authenticated": True, "passport": {"user": 2}})


def test_a_custom_callback_that_raises_becomes_next_err() -> None:
    passport = make_passport()
    app = make_app(passport)

    def boom(err: Any, user: Any) -> None:
        raise ValueError("callback broke")

    app.post("/login", lambda req, res, next: passport.authenticate("local", boom)(req, res, next))
    app.use(lambda err, req, res, next: res.status(500).send(str(err)))
    form(request(app).post("/login"), "username=ann&password=secret").expect(500, "callback broke")


def test_authorize_sets_req_account_and_keeps_the_login() -> None:
    passport = make_passport()
    app = make_app(passport)
    app.post("/login", passport.authenticate("local"), lambda req, res: res.send("in"))
    app.post(
        "/link",
        passport.authorize("local"),
        lambda req, res: res.json(
            {"user": req.user["username"], "account": req.account["username"]}
        ),
    )
    client = agent(app)
    form(client.post("/login"), "username=ann&password=secret").expect(200)
    form(client.post("/link"), "username=bob&password=hunter2").expect(
        200, {"user": "ann", "account": "bob"}
    )


def test_info_transformers_and_auth_info_false() -> None:
    def verify(username: str, password: str, done: Any) -> None:
        done(None, {"username": username, "id": 1}, {"scope": "read"})

    passport = make_passport(verify)
    passport.transform_auth_info(lambda info, done: done("pass"))
    passport.transformAuthInfo(lambda info: {**info, "checked": True})
    app = make_app(passport)
    app.post("/login", passport.authenticate("local"), lambda req, res: res.json(req.auth_info))
    app.post(
        "/raw",
        passport.authenticate("local", auth_info=False),
        lambda req, res: res.json({"auth_info": req.authInfo}),
    )
    form(request(app).post("/login"), "username=a&password=b").expect(
        200, {"scope": "read", "checked": True}
    )
    form(request(app).post("/raw"), "username=a&password=b").expect(200, {"auth_info": None})


def test_user_property_option() -> None:
    passport = make_passport()
    app = make_app(passport, initialize={"userProperty": "current_user"})
    app.post(
        "/login",
        passport.authenticate("local"),
        lambda req, res: res.json({"user": req.user, "current": req.current_user["id"]}),
    )
    client = agent(app)
    form(client.post("/login"), "username=ann&password=secret").expect(
        200, {"user": None, "current": 1}
    )
    client.get("/me").expect(200, {"user": "ann", "authenticated": True, "passport": {"user": 1}})


def test_failure_flash_without_flash_middleware_is_a_clear_error() -> None:
    from expresspy import express, session

    passport = make_passport()
    app = express()
    app.use(express.urlencoded())
    app.use(session(secret="s", resave=False, save_uninitialized=False))
    app.use(passport.initialize())
    app.post("/login", passport.authenticate("local", failure_flash=True, failure_redirect="/"))
    app.use(lambda err, req, res, next: res.status(500).send(str(err)))
    response = form(request(app).post("/login"), "username=ann&password=bad").expect(500)
    assert "add app.use(flash())" in response.response.text


def test_unknown_strategy_and_use_errors() -> None:
    passport = make_passport()
    app = make_app(passport)
    app.get("/x", passport.authenticate("nope"))
    app.use(lambda err, req, res, next: res.status(500).send(str(err)))
    request(app).get("/x").expect(500, 'Unknown authentication strategy "nope"')
    with pytest.raises(TypeError, match="not a Strategy"):
        passport.use("x", object())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        passport.use("x")
    assert passport.unuse("local").strategy("local") is None


def test_instances_are_independent_and_the_shared_one_is_exported() -> None:
    from expresspy import passport as shared

    assert isinstance(shared, Authenticator)
    assert shared.Passport is Authenticator and shared.Authenticator is Authenticator
    mine = shared.Passport()
    assert mine.strategy("local") is None and mine.strategy("session") is not None


def test_sync_handlers_inline_setting_runs_plain_callbacks_on_the_loop() -> None:
    seen: list[bool] = []

    def verify(username: str, password: str, done: Any) -> None:
        try:
            asyncio.get_running_loop()
            seen.append(True)
        except RuntimeError:
            seen.append(False)
        done(None, {"id": 1, "username": username})

    passport = make_passport(verify)
    app = make_app(passport)
    app.post("/login", passport.authenticate("local"), lambda req, res: res.send("ok"))
    form(request(app).post("/login"), "username=a&password=b").expect(200)
    app.set("sync handlers", "inline")
    form(request(app).post("/login"), "username=a&password=b").expect(200)
    assert seen == [False, True]  # a worker thread by default, the loop when inline


def test_without_initialize_registered_middleware_works_and_a_direct_call_fails_clearly() -> None:
    from expresspy import express, session

    passport = make_passport()
    app = express()
    app.use(express.urlencoded())
    app.use(session(secret="s", resave=False, save_uninitialized=False))
    app.post("/login", passport.authenticate("local"), lambda req, res: res.send("in"))

    @app.post("/direct")
    def direct(req: Any, res: Any, next: Any) -> None:
        passport.authenticate("local", lambda err, user: res.send("never"))(req, res, next)

    app.use(lambda err, req, res, next: res.status(500).send(str(err)))
    form(request(app).post("/login"), "username=ann&password=secret").expect(200, "in")
    response = form(request(app).post("/direct"), "username=ann&password=secret").expect(500)
    assert "add app.use(passport.initialize())" in response.response.text


def test_flash_options_as_dicts_and_true() -> None:
    def verify(username: str, password: str, done: Any) -> None:
        if password == "ok":
            done(None, {"id": 1, "username": username}, {"message": "Hi", "type": "greeting"})
        else:
            done(None, False, {"message": "No", "type": "warning"})

    passport = make_passport(verify)
    app = make_app(passport)
    app.post(
        "/dict",
        passport.authenticate("local", failure_flash={"message": "Custom"}, failure_redirect="/f"),
    )
    app.post(
        "/typed",
        passport.authenticate("local", failure_flash={"type": "oops"}, failure_redirect="/f"),
    )
    app.post("/true", passport.authenticate("local", failure_flash=True, failure_redirect="/f"))
    app.post(
        "/ok",
        passport.authenticate(
            "local", success_flash=True, keep_session_info=True, success_redirect="/f"
        ),
    )
    app.get("/f", lambda req, res: res.json(req.flash()))
    client = agent(app)
    for path in ("/dict", "/typed", "/true"):
        form(client.post(path), "username=a&password=x").expect(302)
    form(client.post("/ok"), "username=a&password=ok").expect(302)
    # a dict's missing type is the default ("error"), never the info's; True takes the info's
    client.get("/f").expect(
        200, {"error": ["Custom"], "oops": ["No"], "warning": ["No"], "greeting": ["Hi"]}
    )
