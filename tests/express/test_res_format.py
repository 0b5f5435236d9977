"""Port of Express 5 test/res.format.js.

Express runs its shared ``test(app)`` cases against five apps; each such case is one test
function here, parametrized over the five (ids name the describe block). In the default
handler, JavaScript's ``this.json()`` (``this`` is the handlers object) is ``handlers["json"]()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from expresspy import express
from expresspy.testing import request

from .support import app_with


def supports(err: Any, req: Any, res: Any, next: Any) -> None:
    if getattr(err, "types", None) is None:
        raise err
    res.status(err.status)
    res.send("Supports: " + ", ".join(err.types))


def hey_formats(keys: tuple[str, str, str], res: Any) -> dict[str, Callable[..., Any]]:
    text, html, json = keys
    return {
        text: lambda: res.send("hey"),
        html: lambda: res.send("<p>hey</p>"),
        json: lambda: res.send({"message": "hey"}),
    }


def formatting(keys: tuple[str, str, str]) -> Any:
    return app_with(lambda req, res: res.format(hey_formats(keys, res)), supports)


def called_with(req: Any, res: Any, next: Any, body: Any) -> Callable[..., None]:
    """A format handler that checks it gets (req, res, next), then sends ``body``."""

    def handler(a: Any, b: Any, c: Any) -> None:
        assert a is req and b is res and c is next
        res.send(body)

    return handler


def canonical_app() -> Any:
    def handler(req: Any, res: Any, next: Any) -> None:
        res.format(
            {
                "text/plain": lambda: res.send("hey"),
                "text/html": lambda: res.send("<p>hey</p>"),
                "application/json": called_with(req, res, next, {"message": "hey"}),
            }
        )

    return app_with(handler, supports)


def routed_app() -> Any:
    app = express()
    app.get("/", lambda req, res: res.format(hey_formats(("text", "html", "json"), res)))
    app.use(supports)
    return app


def router_app() -> Any:
    app = express()
    router = express.Router()
    router.get("/", lambda req, res: res.format(hey_formats(("text", "html", "json"), res)))
    router.use(supports)
    app.use(router)
    return app


APPS = {
    "with_canonicalized_mime_types": canonical_app,
    "with_extnames": lambda: formatting(("text", "html", "json")),
    "with_parameters": lambda: formatting(
        ("text/plain; charset=utf-8", "text/html; foo=bar; bar=baz", "application/json; q=0.5")
    ),
    "in_router_app_get": routed_app,
    "in_router_router_get": router_app,
}
each_app = pytest.mark.parametrize("make_app", list(APPS.values()), ids=list(APPS))


@each_app
def test_res__format_obj__should_utilize_qvalues_in_negotiation(make_app: Any) -> None:
    request(make_app()).get("/").set(
        "Accept", "text/html; q=.5, application/json, */*; q=.1"
    ).expect({"message": "hey"})


@each_app
def test_res__format_obj__should_allow_wildcard_type_subtypes(make_app: Any) -> None:
    request(make_app()).get("/").set("Accept", "text/html; q=.5, application/*, */*; q=.1").expect(
        {"message": "hey"}
    )


@each_app
def test_res__format_obj__should_default_the_content_type(make_app: Any) -> None:
    request(make_app()).get("/").set("Accept", "text/html; q=.5, text/plain").expect(
        "Content-Type", "text/plain; charset=utf-8"
    ).expect("hey")


@each_app
def test_res__format_obj__should_set_the_correct_charset_for_the_content_type(
    make_app: Any,
) -> None:
    app = make_app()
    for accept in ("text/html", "text/plain", "application/json"):
        request(app).get("/").set("Accept", accept).expect(
            "Content-Type", f"{accept}; charset=utf-8"
        )


@each_app
def test_res__format_obj__should_vary_accept(make_app: Any) -> None:
    request(make_app()).get("/").set("Accept", "text/html; q=.5, text/plain").expect(
        "Vary", "Accept"
    )


@each_app
def test_res__format_obj__when_accept_is_not_present__should_invoke_the_first_callback(
    make_app: Any,
) -> None:
    request(make_app()).get("/").expect("hey")


@each_app
def test_res__format_obj__when_no_match_is_made__should_respond_with_406_not_acceptable(
    make_app: Any,
) -> None:
    request(make_app()).get("/").set("Accept", "foo/bar").expect(
        "Supports: text/plain, text/html, application/json"
    ).expect(406)


def test_res__format_obj__given_default__should_be_invoked_instead_of_auto_responding() -> None:
    def handler(req: Any, res: Any, next: Any) -> None:
        res.format(
            {"text": lambda: res.send("hey"), "default": called_with(req, res, next, "default")}
        )

    request(app_with(handler)).get("/").set("Accept", "text/html").expect("default")


def test_res__format_obj__given_default__should_work_when_only_default_is_provided() -> None:
    app = app_with(lambda req, res: res.format({"default": lambda: res.send("hey")}))
    request(app).get("/").set("Accept", "*/*").expect("hey")


def test_res__format_obj__given_default__should_be_able_to_invoke_other_formatter() -> None:
    def handler(req: Any, res: Any) -> None:
        def default() -> None:
            res.header("x-default", "1")
            handlers["json"]()

        handlers = {"json": lambda: res.send("json"), "default": default}
        res.format(handlers)

    request(app_with(handler)).get("/").set("Accept", "text/plain").expect(200).expect(
        "x-default", "1"
    ).expect("json").end()
