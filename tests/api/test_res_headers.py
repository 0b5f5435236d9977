"""res.status / set / append / get / type / vary / links / location (Express 5.3 values)."""

from __future__ import annotations

from typing import Any

import pytest

from expresspy.testing import request

from .helpers import app_with, wire_headers


@pytest.mark.parametrize(
    "code,error",
    [
        ("200", 'TypeError: Invalid status code: "200". Status code must be an integer.'),
        (200.5, "TypeError: Invalid status code: 200.5. Status code must be an integer."),
        (None, "TypeError: Invalid status code: null. Status code must be an integer."),
        (True, "TypeError: Invalid status code: true. Status code must be an integer."),
        (
            99,
            "ValueError: Invalid status code: 99. "
            "Status code must be greater than 99 and less than 1000.",
        ),
        (
            1000,
            "ValueError: Invalid status code: 1000. "
            "Status code must be greater than 99 and less than 1000.",
        ),
    ],
)
def test_status_validation_messages(code: Any, error: str) -> None:
    def handler(req: Any, res: Any) -> None:
        try:
            res.status(code)
        except (TypeError, ValueError) as exc:
            res.send(f"{type(exc).__name__}: {exc}")

    request(app_with(handler)).get("/").expect(200, error)


def test_status_accepts_integral_floats_and_the_whole_range() -> None:
    app = app_with(lambda req, res: res.status(float(req.query["c"])).end())
    request(app).get("/?c=999").expect(999)
    request(app).get("/?c=201.0").expect(201)


def test_links_accumulate() -> None:
    def handler(req: Any, res: Any) -> None:
        res.links({"next": "http://api/?page=2", "last": ["http://a", "http://b"]})
        res.links({"prev": "/1"}).send("ok")

    request(app_with(handler)).get("/").expect(
        "Link",
        '<http://api/?page=2>; rel="next", <http://a>; rel="last", '
        '<http://b>; rel="last", </1>; rel="prev"',
    ).expect(200)


def test_vary_adds_each_field_once() -> None:
    app = app_with(
        lambda req, res: (
            res.vary("Accept")
            .vary(["accept-encoding", "Origin"])
            .vary("ORIGIN, User-Agent")
            .send("ok")
        )
    )
    request(app).get("/").expect("Vary", "Accept, accept-encoding, Origin, User-Agent")


def test_vary_with_an_empty_list_sets_nothing() -> None:
    response = request(app_with(lambda req, res: res.vary([]).end())).get("/").expect(200)
    assert "vary" not in response.headers


def test_append_keeps_one_line_per_value() -> None:
    app = app_with(
        lambda req, res: (
            res.append("Link", "<a>").append("Link", ["<b>", "<c>"]).append("X-One", "x").send("ok")
        )
    )
    response = request(app).get("/").expect(200)
    assert wire_headers(response)[:4] == [
        ("link", "<a>"),
        ("link", "<b>"),
        ("link", "<c>"),
        ("x-one", "x"),
    ]


@pytest.mark.parametrize(
    "given,content_type",
    [
        ("json", "application/json; charset=utf-8"),
        (".png", "image/png"),
        ("bogus", "application/octet-stream"),
        ("text/x-foo", "text/x-foo; charset=utf-8"),
        ("html", "text/html; charset=utf-8"),
    ],
)
def test_type(given: str, content_type: str) -> None:
    """Express adds charset=utf-8 to these when res.send sends a string; with bytes the
    type is kept exactly as res.type set it."""
    request(app_with(lambda req, res: res.type(given).send(b"x"))).get("/").expect(
        "Content-Type", content_type
    )


def test_set_get_and_mapping_forms() -> None:
    def handler(req: Any, res: Any) -> None:
        res.set({"X-A": 1, "X-B": ["1", 2]}).header("X-C", True)
        res.set("Content-Type", "text/plain")
        res.set(
            "X-Seen",
            repr(
                [
                    res.get("x-a"),
                    res.get("X-B"),
                    res.get("x-c"),
                    res.get("Content-Type"),
                    res.get("x-none"),
                ]
            ),
        ).end()

    request(app_with(handler)).get("/").expect(
        "X-Seen", "['1', ['1', '2'], 'true', 'text/plain; charset=utf-8', None]"
    ).expect(200)


def test_set_content_type_list_is_refused() -> None:
    def handler(req: Any, res: Any) -> None:
        try:
            res.set("Content-Type", ["a/b"])
        except TypeError as exc:
            res.send(str(exc))

    request(app_with(handler)).get("/").expect(200, "Content-Type cannot be set to an Array")


def test_location_is_encoded_like_encodeurl() -> None:
    app = app_with(lambda req, res: res.location("/a b\\c|d^e`f{g}").send("ok"))
    request(app).get("/").expect("Location", "/a%20b\\c|d^e%60f%7Bg%7D")


def test_headers_cannot_change_after_they_are_sent() -> None:
    outcome: list[str] = []

    def handler(req: Any, res: Any) -> None:
        res.send("x")
        try:
            res.set("X-Late", "1")
        except RuntimeError as exc:
            outcome.append(str(exc))

    request(app_with(handler)).get("/").expect(200, "x")
    assert outcome == ["Cannot set headers after they are sent to the client"]
