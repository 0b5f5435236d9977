"""LocalStrategy: the verify forms (passport-local's and the Pythonic ones) and its options."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from expresspy.passport import LocalStrategy
from expresspy.testing import agent, request

from .apps import check, form, make_app, make_passport


def login_app(verify: Any, **options: Any) -> Any:
    passport = make_passport(verify, **options)
    app = make_app(passport)
    app.post(
        "/login",
        passport.authenticate("local"),
        lambda req, res: res.json({"user": req.user["username"], "info": req.auth_info}),
    )
    return app


async def async_return(username: str, password: str) -> Any:
    await asyncio.sleep(0)
    user = check(username, password)
    return user if user else (False, {"message": "nope"})


def sync_return(username: str, password: str) -> Any:
    return check(username, password)


async def async_done(username: str, password: str, done: Any) -> None:
    await asyncio.sleep(0)
    done(None, check(username, password) or False, {"message": "async done"})


def later_done(username: str, password: str, done: Any) -> None:
    # done called later, from another thread, as a driver's callback would
    threading.Timer(0.01, done, (None, check(username, password) or False)).start()


@pytest.mark.parametrize("verify", [async_return, sync_return, async_done, later_done])
def test_every_verify_form_logs_in_and_fails(verify: Any) -> None:
    app = login_app(verify)
    form(request(app).post("/login"), "username=ann&password=secret").expect(200)
    response = form(request(app).post("/login"), "username=ann&password=bad").expect(401)
    assert response.response.text == "Unauthorized"


def test_the_return_form_passes_info_along() -> None:
    def verify(username: str, password: str) -> Any:
        return check(username, password), {"message": "hello"}

    body = form(request(login_app(verify)).post("/login"), "username=ann&password=secret")
    body.expect(200, {"user": "ann", "info": {"message": "hello"}})


@pytest.mark.parametrize("how", ["raise", "done", "async raise"])
def test_a_verify_error_reaches_the_error_handler(how: str) -> None:
    def raises(username: str, password: str) -> Any:
        raise RuntimeError("db down")

    def calls_done(username: str, password: str, done: Any) -> None:
        done(RuntimeError("db down"))

    async def async_raises(username: str, password: str) -> Any:
        raise RuntimeError("db down")

    verify = {"raise": raises, "done": calls_done, "async raise": async_raises}[how]
    app = login_app(verify)
    app.use(lambda err, req, res, next: res.status(500).json({"error": str(err)}))
    form(request(app).post("/login"), "username=ann&password=x").expect(500, {"error": "db down"})


def test_missing_credentials_is_a_400_with_passport_locals_message() -> None:
    passport = make_passport()
    app = make_app(passport)
    app.post("/login", passport.authenticate("local"))
    app.post(
        "/login-message",
        passport.authenticate("local", failure_message=True, failure_redirect="/messages"),
    )
    app.post(
        "/login-custom",
        passport.authenticate(
            "local",
            failure_message=True,
            failure_redirect="/messages",
            bad_request_message="Fill in both",
        ),
    )
    app.get("/messages", lambda req, res: res.json(req.session.messages))
    request(app).post("/login").expect(400, "Bad Request")
    form(request(app).post("/login"), "username=ann").expect(400, "Bad Request")
    client = agent(app)
    form(client.post("/login-message"), "password=x").expect(302)
    client.post("/login-custom").expect(302)
    client.get("/messages").expect(200, ["Missing credentials", "Fill in both"])


def test_field_names_nested_fields_and_the_query() -> None:
    app = login_app(sync_return, username_field="user[name]", password_field="pw")
    (
        request(app)
        .post("/login")
        .send({"user": {"name": "bob"}, "pw": "hunter2"})
        .expect(200, {"user": "bob", "info": {}})
    )
    # Express 5's simple query parser keeps "user[name]" as one key, so only flat names work
    request(login_app(sync_return)).post("/login?username=ann&password=secret").expect(200)
    request(app).post("/login").send({"user": {"nick": "bob"}, "pw": "hunter2"}).expect(400)
    # passport-local's lookup stops at the first non-object value on the way
    request(app).post("/login").send({"user": "bob", "pw": "hunter2"}).expect(200)


def test_pass_req_to_callback() -> None:
    def verify(req: Any, username: str, password: str, done: Any) -> None:
        done(None, check(username, password) if req.get("X-Allow") else False)

    app = login_app(verify, pass_req_to_callback=True)
    form(request(app).post("/login").set("X-Allow", "1"), "username=ann&password=secret").expect(
        200
    )
    form(request(app).post("/login"), "username=ann&password=secret").expect(401)


def test_camel_case_options_dict() -> None:
    strategy = LocalStrategy(
        {"usernameField": "email", "passReqToCallback": True},
        lambda req, u, p, done: done(None, False),
    )
    assert (strategy.username_field, strategy.password_field) == ("email", "password")
    assert strategy.pass_req_to_callback is True


def test_misconfiguration_is_refused() -> None:
    with pytest.raises(TypeError, match="requires a verify callback"):
        LocalStrategy()
    with pytest.raises(TypeError, match="unknown option 'usernamefield'"):
        LocalStrategy(sync_return, usernamefield="email")


@pytest.mark.parametrize(
    "body",
    [
        {"username": ["ann", "bob"], "password": "secret"},  # a repeated field
        {"username": {"$ne": None}, "password": "secret"},  # an operator object (NoSQL injection)
        {"username": "ann", "password": ""},
        {"username": None, "password": "secret"},
    ],
)
def test_credentials_that_are_not_plain_values_are_missing(body: dict[str, Any]) -> None:
    seen: list[Any] = []

    def verify(username: str, password: str) -> Any:
        seen.append(username)
        return check(username, password)

    request(login_app(verify)).post("/login").send(body).expect(400, "Bad Request")
    assert seen == []  # verify never sees them
