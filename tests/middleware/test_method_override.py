"""method_override(): the method-override package's behaviour."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from expresspy import express
from expresspy.middleware import method_override
from expresspy.testing import request


def _app(*args: Any, **kwargs: Any) -> Any:
    app = express()
    app.use(method_override(*args, **kwargs))
    app.all("/", lambda req, res: res.json({"method": req.method, "original": req.original_method}))
    return app


def test_header_override_of_a_post_and_vary() -> None:
    (
        request(_app())
        .post("/")
        .set("X-HTTP-Method-Override", "DELETE")
        .expect("Vary", "X-HTTP-Method-Override")
        .expect(200, {"method": "DELETE", "original": "POST"})
    )


def test_first_value_of_a_repeated_header_wins() -> None:
    (
        request(_app())
        .post("/")
        .set("X-HTTP-Method-Override", "put, delete")
        .expect(200, {"method": "PUT", "original": "POST"})
    )


def test_query_getter_for_html_forms() -> None:
    request(_app("_method")).post("/?_method=patch").expect(
        200, {"method": "PATCH", "original": "POST"}
    )


@pytest.mark.parametrize("value", ["FROB", "", "get put"])
def test_unknown_methods_are_ignored(value: str) -> None:
    (
        request(_app())
        .post("/")
        .set("X-HTTP-Method-Override", value)
        .expect(200, {"method": "POST", "original": "POST"})
    )


def test_only_allowed_original_methods_are_rewritten() -> None:
    (
        request(_app())
        .get("/")
        .set("X-HTTP-Method-Override", "DELETE")
        .expect(200, {"method": "GET", "original": "GET"})
    )
    (
        request(_app(methods=None))
        .get("/")
        .set("X-HTTP-Method-Override", "DELETE")
        .expect(200, {"method": "DELETE", "original": "GET"})
    )


def test_function_getter_and_routing_sees_the_new_method() -> None:
    app = express()
    app.use(method_override(lambda req, res: req.get("X-Verb")))
    app.delete("/thing", lambda req, res: res.send("deleted"))
    request(app).post("/thing").set("X-Verb", "delete").expect(200, "deleted")


def test_unknown_option_is_refused() -> None:
    with pytest.raises(TypeError):
        method_override("_method", verbs=["POST"])


def test_the_middleware_is_async_so_it_runs_on_the_loop() -> None:
    # a plain def cost a worker-thread hop per request for code that never blocks
    assert inspect.iscoroutinefunction(method_override())
    (
        request(_app("_method"))
        .post("/?_method=patch")
        .expect(200, {"method": "PATCH", "original": "POST"})
    )
