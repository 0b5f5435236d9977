"""flash(): connect-flash 0.1.1's req.flash, its session layout, formatting and errors."""

from __future__ import annotations

import math
from typing import Any

import pytest

from expresspy import Application, express, session
from expresspy.middleware import flash
from expresspy.middleware._utilformat import inspect, node_format
from expresspy.middleware.flash import FlashWithoutSession
from expresspy.testing import agent, request


def flash_app(**options: Any) -> Application:
    app = express()
    app.use(session(secret="flash", resave=False, save_uninitialized=False))
    app.use(flash(**options))

    @app.get("/queue")
    def queue(req: Any, res: Any) -> None:
        counts = [
            req.flash("info", "one"),
            req.flash("info", ["two", "three"]),
            req.flash("error", "%s failed %d times", "sync", 2),
        ]
        res.json({"counts": counts, "stored": req.session.flash})

    app.get("/read/:type", lambda req, res: res.json(req.flash(req.params["type"])))
    app.get("/all", lambda req, res: res.json({"all": req.flash(), "left": req.session.flash}))
    return app


def test_queue_read_consume_and_read_all() -> None:
    client = agent(flash_app(), server=True)
    client.get("/queue").expect(
        200,
        {
            "counts": [1, 3, 1],
            "stored": {"info": ["one", "two", "three"], "error": ["sync failed 2 times"]},
        },
    )
    client.get("/read/info").expect(200, ["one", "two", "three"])
    client.get("/read/info").expect(200, [])
    client.get("/all").expect(200, {"all": {"error": ["sync failed 2 times"]}, "left": {}})
    client.get("/all").expect(200, {"all": {}, "left": {}})


def test_messages_survive_a_redirect_only_once() -> None:
    app = flash_app()

    @app.post("/save")
    def save(req: Any, res: Any) -> None:
        req.flash("success", "Saved")
        res.redirect("/read/success")

    client = agent(app)
    client.post("/save").expect(302)
    client.get("/read/success").expect(200, ["Saved"])
    client.get("/read/success").expect(200, [])


def test_without_a_session_req_flash_raises() -> None:
    app = express()
    app.use(flash())
    app.get("/", lambda req, res: req.flash("info", "x"))
    app.use(
        lambda err, req, res, next: res.status(500).json(
            {"type": type(err).__name__, "message": str(err)}
        )
    )
    request(app).get("/").expect(
        500,
        {
            "type": "FlashWithoutSession",
            "message": "req.flash() requires sessions: add the session() middleware before flash()",
        },
    )
    assert issubclass(FlashWithoutSession, RuntimeError)


def test_an_existing_req_flash_is_kept_unless_unsafe() -> None:
    def own(req: Any, res: Any, next: Any) -> None:
        req.flash = lambda *args: "own"
        next()

    for unsafe, expected in ((False, {"v": "own"}), (True, {"v": ["x"]})):
        app = express()
        app.use(session(secret="flash", resave=False, save_uninitialized=False))
        app.use(own)
        app.use(flash({"unsafe": unsafe}))

        @app.get("/")
        def read(req: Any, res: Any) -> None:
            req.flash("t", "x")
            res.json({"v": req.flash("t")})

        request(app).get("/").expect(200, expected)
    with pytest.raises(TypeError, match="unknown option"):
        flash(safe=True)


# util.format, checked against Node 20's output for the same calls.
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("%s", {"a": 1, "b": "x"}), "{ a: 1, b: 'x' }"),
        (("%s", [1, 2]), "[ 1, 2 ]"),
        (("%d", "12"), "12"),
        (("%d", {}), "NaN"),
        (("%d", []), "0"),
        (("%i", "12.7px"), "12"),
        (("%f", "1.5e3x"), "1500"),
        (("%j", {"a": [1, "x"]}), '{"a":[1,"x"]}'),
        (("%O", {"a": {"b": {"c": {"d": 1}}}}), "{ a: { b: { c: [Object] } } }"),
        (("a %s", "b", "c", {"d": 1}, 2), "a b c { d: 1 } 2"),
        (("%% %s %%", "x"), "% x %"),
        (("%s %s", "x"), "x %s"),
        (("%x %s", 1), "%x 1"),
        (("%s", None), "null"),
        (("%s", 1e-7), "1e-7"),
        (("%d", 1.5), "1.5"),
        (("%s", True), "true"),
        (("%c%s", "css", "y"), "y"),
        (("%O", "it's"), '"it\'s"'),
        (("x", [1, "a"]), "x [ 1, 'a' ]"),
        (("%s", -0.0), "-0"),
        (("%s", {"a-b": 1}), "{ 'a-b': 1 }"),
        (("%s", [[1, [2, [3]]]]), "[ [Array] ]"),
        (("%i", -3.9), "-3"),
        (("%d", "0x10"), "16"),
        (("%d", " 12 "), "12"),
        (("%f", ""), "NaN"),
        (("%s %s", math.nan, math.inf), "NaN Infinity"),
        ((5, "x"), "5 x"),
        (("no args",), "no args"),
    ],
)
def test_node_format_matches_util_format(args: tuple[Any, ...], expected: str) -> None:
    assert node_format(*args) == expected


def test_inspect_of_empty_containers() -> None:
    assert (inspect({}), inspect([]), inspect({"k": []})) == ("{}", "[]", "{ k: [] }")
