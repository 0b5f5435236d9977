"""Port of Express 5 test/req.path.js."""

from __future__ import annotations

from expresspy import express
from expresspy.testing import request


def test_req__path__should_return_the_parsed_pathname() -> None:
    app = express()
    app.use(lambda req, res: res.end(req.path))
    request(app).get("/login?redirect=/post/1/comments").expect("/login")
