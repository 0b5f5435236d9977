"""Port of Express 5's test/app.param.js: `app.param(name, fn)` and `app.param([names], fn)`.

JavaScript's `Number(id)` and `typeof id` become `int(id)` and `type(id).__name__`, so the
expected body "number:123" reads "int:123".
"""

from __future__ import annotations

import threading
from typing import Any

from expresspy import express
from expresspy.testing import request


def numeric_id(req: Any, res: Any, next: Any, id: Any) -> Any:
    try:
        number = int(id)
    except ValueError:
        return next("route")
    req.params["id"] = number
    next()


def send_id_type(req: Any, res: Any) -> None:
    value = req.params["id"]
    res.send(f"{type(value).__name__}:{value}")


def send_id(req: Any, res: Any) -> None:
    res.send(str(req.params["id"]))


def test_app__param_names_fn__should_map_the_array() -> None:
    app = express()
    app.param(["id", "uid"], numeric_id)
    app.get("/post/:id", send_id_type)
    app.get("/user/:uid", send_id_type)
    request(app).get("/user/123").expect(200, "int:123")
    request(app).get("/post/123").expect("int:123")


def test_app__param_name_fn__should_map_logic_for_a_single_param() -> None:
    app = express()
    app.param("id", numeric_id)
    app.get("/user/:id", send_id_type)
    request(app).get("/user/123").expect(200, "int:123")


class Counts:
    """`called` counts the param callback, `count` the route handlers, `users` the values."""

    def __init__(self) -> None:
        self.called = 0
        self.count = 0
        self.users: list[str] = []

    def route(self, req: Any, res: Any, next: Any) -> None:
        self.count += 1
        next()


def test_app__param_name_fn__should_only_call_once_per_request() -> None:
    app = express()
    counts = Counts()

    def user_param(req: Any, res: Any, next: Any, user: Any) -> None:
        counts.called += 1
        req.user = user
        next()

    app.param("user", user_param)
    app.get("/foo/:user", counts.route)
    app.get("/foo/:user", counts.route)
    app.use(lambda req, res: res.end(f"{counts.count} {counts.called} {req.user}"))
    request(app).get("/foo/bob").expect("2 1 bob")


def test_app__param_name_fn__should_call_when_values_differ() -> None:
    app = express()
    counts = Counts()

    def user_param(req: Any, res: Any, next: Any, user: Any) -> None:
        counts.called += 1
        counts.users.append(user)
        next()

    app.param("user", user_param)
    app.get("/:user/bob", counts.route)
    app.get("/foo/:user", counts.route)
    app.use(lambda req, res: res.end(f"{counts.count} {counts.called} {','.join(counts.users)}"))
    request(app).get("/foo/bob").expect("2 2 foo,bob")


def test_app__param_name_fn__should_support_altering_req_params_across_routes() -> None:
    app = express()

    def user_param(req: Any, res: Any, next: Any, user: Any) -> None:
        req.params["user"] = "loki"
        next()

    app.param("user", user_param)
    app.get("/:user", lambda req, res, next: next("route"))
    app.get("/:user", lambda req, res: res.send(req.params["user"]))
    request(app).get("/bob").expect("loki")


def test_app__param_name_fn__should_not_invoke_without_route_handler() -> None:
    app = express()

    def thing_param(req: Any, res: Any, next: Any, thing: Any) -> None:
        req.thing = thing
        next()

    def user_param(req: Any, res: Any, next: Any, user: Any) -> None:
        next(Exception("invalid invocation"))

    app.param("thing", thing_param)
    app.param("user", user_param)
    app.post("/:user", lambda req, res: res.send(req.params["user"]))
    app.get("/:thing", lambda req, res: res.send(req.thing))
    request(app).get("/bob").expect(200, "bob")


def test_app__param_name_fn__should_work_with_encoded_values() -> None:
    app = express()

    def name_param(req: Any, res: Any, next: Any, name: Any) -> None:
        req.params["name"] = name
        next()

    app.param("name", name_param)
    app.get("/user/:name", lambda req, res: res.send(req.params["name"]))
    request(app).get("/user/foo%25bar").expect("foo%bar")


def _raise_err(req: Any, res: Any, next: Any, id: Any) -> Any:
    raise Exception("err!")


def test_app__param_name_fn__should_catch_thrown_error() -> None:
    app = express()
    app.param("id", _raise_err)
    app.get("/user/:id", send_id)
    request(app).get("/user/123").expect(500)


def test_app__param_name_fn__should_catch_thrown_secondary_error() -> None:
    app = express()

    def later(req: Any, res: Any, next: Any, val: Any) -> None:
        threading.Timer(0.001, next).start()  # process.nextTick(next)

    app.param("id", later)
    app.param("id", _raise_err)
    app.get("/user/:id", send_id)
    request(app).get("/user/123").expect(500)


def test_app__param_name_fn__should_defer_to_next_route() -> None:
    app = express()
    app.param("id", lambda req, res, next, id: next("route"))
    app.get("/user/:id", send_id)
    app.get("/:name/123", lambda req, res: res.send("name"))
    request(app).get("/user/123").expect("name")


def test_app__param_name_fn__should_defer_all_the_param_routes() -> None:
    app = express()

    def id_param(req: Any, res: Any, next: Any, val: Any) -> Any:
        if val == "new":
            return next("route")
        return next()

    app.param("id", id_param)
    app.all("/user/:id", lambda req, res: res.send("all.id"))
    app.get("/user/:id", lambda req, res: res.send("get.id"))
    app.get("/user/new", lambda req, res: res.send("get.new"))
    request(app).get("/user/new").expect("get.new")


def test_app__param_name_fn__should_not_call_when_values_differ_on_error() -> None:
    app = express()
    counts = Counts()

    def user_param(req: Any, res: Any, next: Any, user: Any) -> Any:
        counts.called += 1
        if user == "foo":
            raise Exception("err!")
        req.user = user
        next()

    def on_error(err: Any, req: Any, res: Any, next: Any) -> None:
        res.status(500)
        res.send(f"{counts.count} {counts.called} {err}")

    app.param("user", user_param)
    app.get("/:user/bob", counts.route)
    app.get("/foo/:user", counts.route)
    app.use(on_error)
    request(app).get("/foo/bob").expect(500, "0 1 err!")


def test_app__param_name_fn__should_call_when_values_differ_when_using_next() -> None:
    app = express()
    counts = Counts()

    def user_param(req: Any, res: Any, next: Any, user: Any) -> Any:
        counts.called += 1
        if user == "foo":
            return next("route")
        req.user = user
        next()

    app.param("user", user_param)
    app.get("/:user/bob", counts.route)
    app.get("/foo/:user", counts.route)
    app.use(lambda req, res: res.end(f"{counts.count} {counts.called} {req.user}"))
    request(app).get("/foo/bob").expect("1 2 bob")
