"""Port of Express 5's test/exports.js: what `express` exposes.

Express's `express.application`, `express.request` and `express.response` are the prototypes
of every app, request and response; in Python they are the classes `expresspy.Application`,
`expresspy.Request` and `expresspy.Response`, and "modifying the prototype" is setting a class
attribute. JavaScript's `fn.length` checks (the factories' parameter counts) become checks that
each factory called with its required arguments returns middleware.
"""

from __future__ import annotations

from typing import Any

import pytest

import expresspy
from expresspy import express
from expresspy.testing import request


def test_exports__should_expose_router() -> None:
    assert callable(express.Router)


def _is_middleware_factory(factory: Any, *args: Any) -> None:
    assert callable(factory)
    assert callable(factory(*args))


def test_exports__should_expose_json_middleware() -> None:
    _is_middleware_factory(express.json)


def test_exports__should_expose_raw_middleware() -> None:
    _is_middleware_factory(express.raw)


def test_exports__should_expose_static_middleware(tmp_path: Any) -> None:
    _is_middleware_factory(express.static, str(tmp_path))


def test_exports__should_expose_text_middleware() -> None:
    _is_middleware_factory(express.text)


def test_exports__should_expose_urlencoded_middleware() -> None:
    _is_middleware_factory(express.urlencoded)


def test_exports__should_expose_the_application_prototype() -> None:
    assert isinstance(express(), expresspy.Application)
    assert callable(expresspy.Application.set)


def test_exports__should_expose_the_request_prototype() -> None:
    assert callable(expresspy.Request.accepts)


def test_exports__should_expose_the_response_prototype() -> None:
    assert callable(expresspy.Response.send)


def test_exports__should_permit_modifying_the_application_prototype(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(expresspy.Application, "foo", lambda self: "bar", raising=False)
    assert express().foo() == "bar"  # type: ignore[attr-defined]


def test_exports__should_permit_modifying_the_request_prototype(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(expresspy.Request, "foo", lambda self: "bar", raising=False)
    app = express()
    app.use(lambda req, res, next: res.end(req.foo()))
    request(app).get("/").expect("bar")


def test_exports__should_permit_modifying_the_response_prototype(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(expresspy.Response, "foo", lambda self: self.send("bar"), raising=False)
    app = express()
    app.use(lambda req, res, next: res.foo())
    request(app).get("/").expect("bar")
