"""flash() over session(); twin of flash.js."""

from expresspy import express, session
from expresspy.middleware import flash

app = express()

# Without a session: req.flash() raises.
app.get("/nosession", flash(), lambda req, res: res.json(req.flash("info")))

app.use(session(secret="flash-secret", resave=False, save_uninitialized=False))
app.use(flash())

app.get(
    "/add",
    lambda req, res: res.json({"count": req.flash(req.query.get("type"), req.query.get("msg"))}),
)
app.get(
    "/add-array", lambda req, res: res.json({"count": req.flash("info", ["one", "two", "three"])})
)


@app.get("/add-format")
def add_format(req, res):
    counts = [
        req.flash("fmt", "Hello %s, you have %d new messages", "ann", 3),
        req.flash("fmt", "%s and %s", "only one"),
        req.flash("fmt", "100%% sure, %i%% done, %f", "42.9px", "1.5e2x"),
        req.flash("fmt", "json %j", {"a": [1, "two", None], "b": True}),
        req.flash("fmt", "object %s array %s", {"a": 1, "nested": {"b": 2}}, [1, [2, [3]]]),
        req.flash("fmt", "extra", "args", 7, {"k": "v"}),
        req.flash("fmt", "%d %d %d", "12", "abc", True),
        req.flash("fmt", "%O and %o", {"deep": {"deeper": {"deepest": {"end": 1}}}}, "str"),
        req.flash("fmt", "%c styled %s", "color: red", "text"),
        req.flash("fmt", "unknown %x %s", "kept"),
    ]
    res.json({"counts": counts})


app.get("/add-empty", lambda req, res: res.json({"count": req.flash("info", "")}))
app.get("/read/:type", lambda req, res: res.json(req.flash(req.params["type"])))
app.get("/all", lambda req, res: res.json(req.flash()))
app.get("/session", lambda req, res: res.json(req.session.get("flash")))
