"""The router's walk chooses its first layer with the `req.url` and `req.method` it read at
its start, and a route's handlers by the method its choice read (docs/performance.md, "Hook
reads on the hello path"); these cases pin down that a rewrite by a middleware or a
`router.param` callback is still seen, as Express sees it."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request


def test_a_param_callback_rewriting_the_method_picks_the_route_handler_by_the_new_one() -> None:
    app = express()
    route = app.route("/item/:id")
    route.get(lambda req, res: res.send("get"))
    route.post(lambda req, res: res.send("post"))

    async def rewrite(req: Any, res: Any, next: Any, value: str) -> None:
        req.method = "POST"
        next()

    app.param("id", rewrite)
    request(app).get("/item/1").expect(200, "post")


def test_a_param_callback_rewriting_the_method_skips_a_one_handler_route_for_the_old_one() -> None:
    app = express()
    seen: list[str] = []

    async def rewrite(req: Any, res: Any, next: Any, value: str) -> None:
        req.method = "DELETE"
        next()

    async def get_item(req: Any, res: Any) -> None:
        seen.append("get")
        res.send("get")

    app.param("id", rewrite)
    app.get("/item/:id", get_item)
    request(app).get("/item/1").expect(404)
    assert seen == []


def test_a_middleware_rewriting_method_and_url_reroutes_the_request() -> None:
    app = express()

    async def override(req: Any, res: Any, next: Any) -> None:
        req.method = "PUT"
        req.url = "/moved"
        next()

    app.use(override)
    app.get("/start", lambda req, res: res.send("get start"))
    app.get("/moved", lambda req, res: res.send("get moved"))
    app.put("/moved", lambda req, res: res.send("put moved"))
    request(app).get("/start").expect(200, "put moved")


def test_several_routes_matching_the_path_are_chosen_by_method() -> None:
    app = express()
    app.post("/", lambda req, res: res.send("post"))
    app.put("/", lambda req, res: res.send("put"))
    app.delete("/", lambda req, res: res.send("delete"))
    request(app).delete("/").expect(200, "delete")
    request(app).options("/").expect(200, "DELETE, POST, PUT")
