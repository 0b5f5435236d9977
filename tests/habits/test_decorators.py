"""Decorators take middleware, as Express's call form does: `@app.get("/x", validate)`."""

from __future__ import annotations

from typing import Any

import pytest

from expresspy import Router, express
from expresspy.testing import request


def tag(name: str) -> Any:
    def middleware(req: Any, res: Any, next: Any) -> None:
        req.seen = [*(getattr(req, "seen", None) or []), name]
        next()

    return middleware


def test_app_get_decorator_runs_middleware_first() -> None:
    app = express()

    @app.get("/x", tag("validate"))
    def handler(req: Any, res: Any) -> None:
        res.send(",".join(req.seen))

    assert callable(handler) and handler.__name__ == "handler"
    request(app).get("/x").expect(200, "validate")


def test_router_post_decorator_with_two_middleware() -> None:
    app = express()
    router = Router()

    @router.post("/", tag("auth"), tag("validate"))
    async def create(req: Any, res: Any) -> None:
        res.status(201).send(",".join(req.seen))

    app.use("/items", router)
    request(app).post("/items").expect(201, "auth,validate")
    request(app).get("/items").expect(404)


def test_middleware_can_stop_the_decorated_handler() -> None:
    app = express()

    def deny(req: Any, res: Any, next: Any) -> None:
        res.status(403).send("no")

    @app.delete("/x", deny)
    def handler(req: Any, res: Any) -> None:
        res.send("deleted")

    request(app).delete("/x").expect(403, "no")


def test_call_form_still_registers_and_returns_the_app() -> None:
    app = express()
    assert app.get("/a", tag("one"), lambda req, res: res.send(req.seen[0])) is app
    assert app.get("env") == app.settings["env"]
    request(app).get("/a").expect(200, "one")


def test_use_as_decorator_with_and_without_path() -> None:
    app = express()

    @app.use("/api")
    def api(req: Any, res: Any, next: Any) -> None:
        res.send("api " + req.url)

    assert api.__name__ == "api"

    router = Router()

    @router.use("/v1")
    def v1(req: Any, res: Any, next: Any) -> None:
        res.send("v1 " + req.base_url)

    app.use("/r", router)

    @app.use  # binds the name to the app, as app.use(fn) returns the app
    def fallback(req: Any, res: Any, next: Any) -> None:
        res.send("fallback")

    request(app).get("/api/x").expect(200, "api /x")
    request(app).get("/r/v1/y").expect(200, "v1 /r/v1")
    request(app).get("/other").expect(200, "fallback")


def test_calling_an_app_with_one_function_out_of_place_is_a_clear_error() -> None:
    app = express()
    with pytest.raises(TypeError, match="decorator"):
        app(lambda req, res: None)


def test_app_is_still_an_asgi3_app_for_servers() -> None:
    import asyncio
    import inspect

    app = express()
    assert inspect.iscoroutinefunction(app.__call__)
    assert asyncio.iscoroutinefunction(app.__call__)
    router = Router()
    assert inspect.iscoroutinefunction(router.__call__)
