"""Port of Express 5 test/req.signedCookies.js."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.middleware import cookie_parser
from expresspy.testing import request


def test_req__signedcookies__should_return_a_signed_json_cookie() -> None:
    app = express()
    app.use(cookie_parser("secret"))

    def handler(req: Any, res: Any) -> None:
        if req.path == "/set":
            res.cookie("obj", {"foo": "bar"}, {"signed": True})
            res.end()
        else:
            res.send(req.signed_cookies)

    app.use(handler)
    cookie = request(app).get("/set").end().headers["set-cookie"]
    request(app).get("/").set("Cookie", cookie).expect(200, {"obj": {"foo": "bar"}})
