"""app.request / app.response: per-app additions to every req and res, as Express's prototypes."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request


def test_functions_become_methods_and_values_attributes() -> None:
    app = express()
    app.response.shout = lambda res, text: res.send(text.upper())
    app.request.tenant = "acme"
    app.get("/", lambda req, res: res.shout(f"hi {req.tenant}"))
    request(app).get("/").expect(200, "HI ACME")


def test_sub_apps_see_their_parents_additions_but_not_the_reverse() -> None:
    app, sub = express(), express()
    app.response.greet = lambda res: res.send("from parent")
    sub.response.only_sub = lambda res: res.send("sub")
    sub.get("/", lambda req, res: res.greet())
    app.use("/sub", sub)

    @app.get("/")
    def root(req: Any, res: Any) -> None:
        res.send(str(req.res.__class__.__name__) + ":" + str(hasattr(res, "only_sub")))

    request(app).get("/sub/").expect(200, "from parent")
    request(app).get("/").expect(200, "Response:False")


def test_missing_response_attribute_still_raises() -> None:
    app = express()
    app.get("/", lambda req, res: res.no_such_method())
    app.set("env", "production")
    request(app).get("/").expect(500)


def test_an_unknown_request_attribute_reads_none_like_undefined() -> None:
    app = express()
    app.get("/", lambda req, res: res.json({"user": req.user}))
    request(app).get("/").expect(200, {"user": None})
