"""res.redirect / res.format: bodies, Vary and Content-Type recorded from Express 5.3."""

from __future__ import annotations

import re
from typing import Any

import pytest

from expresspy.testing import request

from .helpers import app_with, wire_headers

pytestmark = pytest.mark.usefixtures("server_path")  # native and ASGI

TARGET = '/dest?a=b c&d=é<>"'
ENCODED = "/dest?a=b%20c&d=%C3%A9%3C%3E%22"


@pytest.mark.parametrize(
    "accept,content_type,body",
    [
        (None, "text/plain; charset=utf-8", f"Found. Redirecting to {ENCODED}"),
        ("text/plain", "text/plain; charset=utf-8", f"Found. Redirecting to {ENCODED}"),
        (
            "text/html",
            "text/html; charset=utf-8",
            "<!DOCTYPE html><head><title>Found</title></head><body><p>Found. Redirecting to "
            "/dest?a=b%20c&amp;d=%C3%A9%3C%3E%22</p></body>",
        ),
        ("image/png", None, ""),
    ],
)
def test_redirect_body_follows_accept(
    accept: str | None, content_type: str | None, body: str
) -> None:
    test = request(app_with(lambda req, res: res.redirect(TARGET))).get("/")
    if accept:
        test = test.set("Accept", accept)
    response = test.expect(302, body)
    expected = [("location", ENCODED), ("vary", "Accept")]
    if content_type:
        expected.append(("content-type", content_type))
    assert wire_headers(response) == [*expected, ("content-length", str(len(body.encode())))]


def test_redirect_with_status_and_absolute_url() -> None:
    app = app_with(lambda req, res: res.redirect(301, "http://example.com/ü/%zz/%20"))
    request(app).get("/").set("Accept", "text/html,text/plain;q=0.5").expect(
        "Location", "http://example.com/%C3%BC/%25zz/%20"
    ).expect(
        301,
        "<!DOCTYPE html><head><title>Moved Permanently</title></head><body><p>Moved "
        "Permanently. Redirecting to http://example.com/%C3%BC/%25zz/%20</p></body>",
    )


def test_redirect_head_keeps_length_and_sends_no_body() -> None:
    response = (
        request(app_with(lambda req, res: res.redirect("/x")), server=True).head("/").expect(302)
    )
    assert response.content == b""
    assert ("content-length", "24") in wire_headers(response)


def test_redirect_with_bad_status_is_an_error() -> None:
    app = app_with(lambda req, res: res.redirect("301", "/x"))
    request(app).get("/").expect(500, re.compile("Invalid status code"))


def format_app(**handlers: Any) -> Any:
    return app_with(
        lambda req, res: res.format({k.replace("_", "/"): v for k, v in handlers.items()})
    )


@pytest.mark.parametrize(
    "accept,content_type,body",
    [
        ("application/json", "application/json; charset=utf-8", '{"j":1}'),
        ("text/html;q=0.5, text/plain;q=0.4", "text/html; charset=utf-8", "<b>html</b>"),
        (None, "text/plain; charset=utf-8", "text"),
        ("*/*;q=0.1, text/html", "text/html; charset=utf-8", "<b>html</b>"),
    ],
)
def test_format_picks_by_accept(accept: str | None, content_type: str, body: str) -> None:
    def handler(req: Any, res: Any) -> None:
        res.format(
            {
                "text": lambda: res.send("text"),
                "application/json": lambda req, res: res.send({"j": 1}),
                "html": lambda req, res, next: res.send("<b>html</b>"),
            }
        )

    test = request(app_with(handler)).get("/")
    if accept:
        test = test.set("Accept", accept)
    test.expect("Vary", "Accept").expect("Content-Type", content_type).expect(200, body)


def test_format_default_and_406() -> None:
    def with_default(req: Any, res: Any) -> None:
        res.format({"text": lambda: res.send("text"), "default": lambda: res.send("default")})

    request(app_with(with_default)).get("/").set("Accept", "image/png").expect(
        "Content-Type", "text/html; charset=utf-8"
    ).expect(200, "default")

    def without_default(req: Any, res: Any) -> None:
        res.format({"text": lambda: res.send("text"), "application/json": lambda: res.send({})})

    def error_handler(err: Any, req: Any, res: Any, next: Any) -> None:
        res.status(err.status).json({"message": str(err), "types": err.types})

    app = app_with(without_default)
    app.use(error_handler)
    request(app).get("/").set("Accept", "image/png").expect("Vary", "Accept").expect(
        406, {"message": "Not Acceptable", "types": ["text/plain", "application/json"]}
    )


def test_format_handler_errors_and_async_handlers_go_through_next() -> None:
    def broken(req: Any, res: Any) -> None:
        res.format({"json": lambda: 1 / 0})

    request(app_with(broken)).get("/").expect(500, re.compile("ZeroDivisionError"))

    async def later(req: Any, res: Any) -> None:
        res.send("async ok")

    request(app_with(lambda req, res: res.format({"text": later}))).get("/").expect(200, "async ok")
