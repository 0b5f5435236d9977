"""Port of Express 5's test/app.all.js: `app.all(path, ...)` answers every method."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request


def test_app_all__should_add_a_router_per_method() -> None:
    app = express()
    app.all("/tobi", lambda req, res: res.end(req.method))
    request(app).put("/tobi").expect(200, "PUT")
    request(app).get("/tobi").expect(200, "GET")


def test_app_all__should_run_the_callback_for_a_method_just_once() -> None:
    app = express()
    calls: list[str] = []

    def once(req: Any, res: Any, next: Any) -> None:
        calls.append(req.method)
        next()

    app.all("/*splat", once)
    request(app).delete("/tobi").expect(404)
    assert calls == ["DELETE"]
