"""Port of Express 5 test/req.acceptsLanguages.js."""

from __future__ import annotations

from expresspy import express
from expresspy.testing import request


def test_req__accepts_languages__should_return_language_if_accepted() -> None:
    app = express()
    app.get(
        "/",
        lambda req, res: res.send(
            {"en-us": req.acceptsLanguages("en-us"), "en": req.acceptsLanguages("en")}
        ),
    )
    request(app).get("/").set("Accept-Language", "en;q=.5, en-us").expect(
        200, {"en-us": "en-us", "en": "en"}
    )


def test_req__accepts_languages__should_be_false_if_language_not_accepted() -> None:
    app = express()
    app.get("/", lambda req, res: res.send({"es": req.accepts_languages("es")}))
    request(app).get("/").set("Accept-Language", "en;q=.5, en-us").expect(200, {"es": False})


def test_req__accepts_languages__when_accept_language_is_not_present__should_always_return_language() -> (
    None
):
    app = express()
    app.get(
        "/",
        lambda req, res: res.send(
            {lang: req.acceptsLanguages(lang) for lang in ("en", "es", "jp")}
        ),
    )
    request(app).get("/").expect(200, {"en": "en", "es": "es", "jp": "jp"})
