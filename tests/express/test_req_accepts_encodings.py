"""Port of Express 5 test/req.acceptsEncodings.js."""

from __future__ import annotations

from expresspy import express
from expresspy.testing import request


def test_req__accepts_encodings__should_return_encoding_if_accepted() -> None:
    app = express()
    app.get(
        "/",
        lambda req, res: res.send(
            {"gzip": req.acceptsEncodings("gzip"), "deflate": req.acceptsEncodings("deflate")}
        ),
    )
    request(app).get("/").set("Accept-Encoding", " gzip, deflate").expect(
        200, {"gzip": "gzip", "deflate": "deflate"}
    )


def test_req__accepts_encodings__should_be_false_if_encoding_not_accepted() -> None:
    app = express()
    app.get("/", lambda req, res: res.send({"bogus": req.accepts_encodings("bogus")}))
    request(app).get("/").set("Accept-Encoding", " gzip, deflate").expect(200, {"bogus": False})
