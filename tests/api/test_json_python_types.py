"""res.json with the values Python apps send that JavaScript has no type for.

Datetimes follow Date.prototype.toJSON (covered in test_res_send.py); here: Decimal, UUID,
dataclasses, and the `json encoder` setting for anything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from expresspy import express
from expresspy.http.jsontext import stringify
from expresspy.testing import request


@dataclass
class Point:
    x: int
    y: float
    tags: list[str] = field(default_factory=list)


@dataclass
class Order:
    id: UUID
    total: Decimal
    at: Point


class Money:
    """A type JSON has no form for and that offers no to_json()."""

    def __init__(self, cents: int) -> None:
        self.cents = cents


def _app(value: Any, **settings: Any) -> Any:
    app = express()
    for name, setting in settings.items():
        app.set(name.replace("_", " "), setting)
    app.get("/", lambda req, res: res.json(value))
    return app


def test_decimals_are_numbers_as_javascript_holds_them() -> None:
    body = {
        "price": Decimal("19.90"),
        "big": Decimal("1E+2"),
        "nan": Decimal("NaN"),
        "tiny": Decimal("0.00001"),
    }
    assert stringify(body) == '{"price":19.9,"big":100,"nan":null,"tiny":0.00001}'


def test_uuids_are_strings() -> None:
    uid = UUID("12345678-1234-5678-1234-567812345678")
    assert stringify([uid]) == '["12345678-1234-5678-1234-567812345678"]'


def test_dataclasses_are_objects_of_their_fields_converted_in_turn() -> None:
    order = Order(UUID(int=1), Decimal("2.50"), Point(1, 2.0, ["a"]))
    assert stringify(order) == (
        '{"id":"00000000-0000-0000-0000-000000000001","total":2.5,"at":{"x":1,"y":2,"tags":["a"]}}'
    )


def test_a_replacer_sees_the_fields_of_a_dataclass() -> None:
    assert stringify(Point(1, 2.5), ["x"]) == '{"x":1}'


def test_res_json_sends_python_types_over_http() -> None:
    when = datetime(2026, 12, 6, 5, 41, 27, 123456, tzinfo=timezone(timedelta(hours=1)))
    body = {
        "at": when,
        "day": date(2026, 12, 6),
        "price": Decimal("3.10"),
        "id": UUID(int=255),
        "p": Point(0, 0.5),
    }
    response = request(_app(body)).get("/").expect(200)
    assert response.text == (
        '{"at":"2026-12-06T04:41:27.123Z","day":"2026-12-06T00:00:00.000Z","price":3.1,'
        '"id":"00000000-0000-0000-0000-0000000000ff","p":{"x":0,"y":0.5,"tags":[]}}'
    )


def test_an_unknown_type_is_a_500_without_the_json_encoder_setting() -> None:
    app = _app({"m": Money(5)})
    app.set("env", "production")
    request(app).get("/").expect(500)


def test_the_json_encoder_setting_gives_unknown_types_their_form() -> None:
    app = _app(
        {"m": Money(250), "n": [Money(1)]}, json_encoder=lambda value: {"cents": value.cents}
    )
    request(app).get("/").expect(200, '{"m":{"cents":250},"n":[{"cents":1}]}')


def test_the_encoder_result_is_converted_like_any_value() -> None:
    app = _app(Money(1), json_encoder=lambda value: Decimal("1.50"))
    request(app).get("/").expect(200, "1.5")


def test_an_encoder_that_raises_is_a_500() -> None:
    def refuse(value: Any) -> Any:
        raise TypeError(f"cannot encode {type(value).__name__}")

    app = _app([Money(1)], json_encoder=refuse)
    app.set("env", "production")
    request(app).get("/").expect(500)


@pytest.mark.parametrize("value", [set(), frozenset()])
def test_empty_sets_are_arrays(value: Any) -> None:
    assert stringify(value) == "[]"
