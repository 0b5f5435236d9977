"""Port of Express 5's test/app.options.js: the automatic OPTIONS answer and `app.options()`."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request


def never_ends(req: Any, res: Any) -> None:
    """A handler that answers nothing (`function(){}` in the Express test)."""


def expect_allow(test: Any, allow: str) -> Any:
    return test.expect("Allow", allow).expect(200, allow)


def test_options__should_default_to_the_routes_defined() -> None:
    app = express()
    app.post("/", never_ends)
    app.get("/users", never_ends)
    app.put("/users", never_ends)
    expect_allow(request(app).options("/users"), "GET, HEAD, PUT")


def test_options__should_only_include_each_method_once() -> None:
    app = express()
    app.delete("/", never_ends)
    app.get("/users", never_ends)
    app.put("/users", never_ends)
    app.get("/users", never_ends)
    expect_allow(request(app).options("/users"), "GET, HEAD, PUT")


def test_options__should_not_be_affected_by_app_all() -> None:
    app = express()

    def mark(req: Any, res: Any, next: Any) -> None:
        res.set_header("x-hit", "1")
        next()

    app.get("/", never_ends)
    app.get("/users", never_ends)
    app.put("/users", never_ends)
    app.all("/users", mark)
    expect_allow(request(app).options("/users").expect("x-hit", "1"), "GET, HEAD, PUT")


def test_options__should_not_respond_if_the_path_is_not_defined() -> None:
    app = express()
    app.get("/users", never_ends)
    request(app).options("/other").expect(404)


def test_options__should_forward_requests_down_the_middleware_chain() -> None:
    app = express()
    router = express.Router()
    router.get("/users", never_ends)
    app.use(router)
    app.get("/other", never_ends)
    expect_allow(request(app).options("/other"), "GET, HEAD")


def test_options__when_error_occurs_in_response_handler__should_pass_error_to_callback() -> None:
    app = express()
    router = express.Router()
    router.get("/users", never_ends)

    async def send_head(req: Any, res: Any, next: Any) -> None:
        # res.writeHead(200): the headers go out now, so the automatic answer cannot.
        res.status(200)
        res.write(b"")
        next()

    app.use(send_head)
    app.use(router)
    app.use(lambda err, req, res, next: res.end("true"))
    request(app).options("/users").expect(200, "true")


def test_app_options__should_override_the_default_behavior() -> None:
    app = express()

    def options(req: Any, res: Any) -> None:
        res.set("Allow", "GET")
        res.send("GET")

    app.options("/users", options)
    app.get("/users", never_ends)
    app.put("/users", never_ends)
    request(app).options("/users").expect("GET").expect("Allow", "GET")
