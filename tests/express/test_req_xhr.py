"""Port of Express 5 test/req.xhr.js."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request


def xhr_app() -> Any:
    app = express()
    app.get("/", lambda req, res: res.send(req.xhr))
    return app


def test_req__xhr__should_return_true_when_x_requested_with_is_xmlhttprequest() -> None:
    request(xhr_app()).get("/").set("X-Requested-With", "xmlhttprequest").expect(200, "true")


def test_req__xhr__should_case_insensitive() -> None:
    request(xhr_app()).get("/").set("X-Requested-With", "XMLHttpRequest").expect(200, "true")


def test_req__xhr__should_return_false_otherwise() -> None:
    request(xhr_app()).get("/").set("X-Requested-With", "blahblah").expect(200, "false")


def test_req__xhr__should_return_false_when_not_present() -> None:
    request(xhr_app()).get("/").expect(200, "false")
