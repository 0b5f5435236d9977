"""A route with one handler runs it without `Route.steps`' generator (the router's walk runs
it itself, docs/performance.md); these cases pin down that it behaves as `steps` does."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request


def test_next_route_leaves_a_one_handler_route() -> None:
    app = express()

    async def skip(req: Any, res: Any, next: Any) -> None:
        next("route")

    app.get("/", skip)
    app.get("/", lambda req, res: res.send("second route"))
    request(app).get("/").expect(200, "second route")


def test_head_runs_the_get_handler_of_a_one_handler_route() -> None:
    app = express()
    seen: list[str] = []

    async def hello(req: Any, res: Any) -> None:
        seen.append(req.method)
        res.send("hi")

    app.get("/", hello)
    request(app).head("/").expect(200)
    assert seen == ["HEAD"]


def test_a_one_handler_route_for_another_method_runs_nothing() -> None:
    app = express()
    app.post("/", lambda req, res: res.send("post"))
    app.get("/", lambda req, res: res.send("get"))
    request(app).get("/").expect(200, "get")
    assert app.router.stack[0].route is not None


def test_req_route_is_set_even_when_the_one_handler_does_not_run() -> None:
    app = express()
    routes: list[Any] = []
    app.post("/", lambda req, res: res.send("post"))

    async def last(req: Any, res: Any) -> None:
        routes.append(req.route)
        res.send("get")

    app.get("/", last)
    request(app).get("/").expect(200, "get")
    assert routes == [app.router.stack[1].route]


def test_handlers_a_handler_adds_to_its_own_route_run_in_the_same_request() -> None:
    # Route.steps iterates the live stack: a handler appended while the first one ran runs
    # next in the same request, with the method chosen before (HEAD on GET handlers here).
    app = express()
    route = app.route("/")
    methods: list[str] = []

    async def first(req: Any, res: Any, next: Any) -> None:
        methods.append(req.method)
        req.method = "POST"  # the route's handlers are chosen by the method it began with
        route.get(second)
        next()

    async def second(req: Any, res: Any) -> None:
        methods.append(req.method)
        res.send("from the added handler")

    route.get(first)
    request(app).head("/").expect(200)
    assert methods == ["HEAD", "POST"]


def test_an_error_from_the_one_handler_goes_to_the_error_handlers_after_it() -> None:
    app = express()
    route = app.route("/")

    async def fails(req: Any, res: Any, next: Any) -> None:
        async def handles(err: Any, req: Any, res: Any, next: Any) -> None:
            res.status(418).send(str(err))

        route.all(handles)
        next(ValueError("boom"))

    route.get(fails)
    request(app).get("/").expect(418, "boom")
