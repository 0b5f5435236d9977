"""express-session options, one mounted session per path prefix (each with its own cookie name
and path), and regenerate / destroy; twin of session_options.js."""

from expresspy import express, session

app = express()


def counter(req, res):
    req.session.views = (req.session.views or 0) + 1
    res.json({"views": req.session.views})


def peek(req, res):
    res.json({"views": req.session.views})


# saveUninitialized: every new session is stored and cookied; Expires from maxAge. Express's
# spelling in one dict (maxAge in milliseconds).
app.use(
    "/a",
    session(
        {
            "secret": "secret-a",
            "name": "a.sid",
            "resave": False,
            "saveUninitialized": True,
            "cookie": {"maxAge": 60000, "sameSite": "lax", "path": "/a"},
        }
    ),
)
app.get("/a/count", counter)
app.get("/a/peek", peek)


def mount(prefix, secret, name, **options):
    """Mount a session at `prefix` that stores nothing until it is modified (Python spelling)."""
    app.use(
        prefix, session(secret=secret, name=name, resave=False, save_uninitialized=False, **options)
    )


# rolling: a loaded session's cookie is re-sent on every response (max_age in seconds).
mount(
    "/b",
    "secret-b",
    "b.sid",
    rolling=True,
    cookie={"max_age": 60, "path": "/b", "http_only": False},
)
app.get("/b/count", counter)
app.get("/b/peek", peek)

# secure over plain HTTP: the cookie is never sent.
mount("/c", "secret-c", "c.sid", cookie={"path": "/c", "secure": True})
app.get("/c/count", counter)

# Secret rotation: the first secret signs, all verify.
mount("/d", ["secret-new", "secret-old"], "d.sid", cookie={"path": "/d"})
app.get("/d/count", counter)


@app.get("/d/login")
def login(req, res):
    def regenerated(err):
        if err:
            res.status(500).send("regenerate failed")
            return
        req.session.user = "ann"
        res.send(f"welcome {req.session.user}")

    req.session.regenerate(regenerated)


app.get("/d/me", lambda req, res: res.json({"user": req.session.user}))


@app.get("/d/draft")
def draft(req, res):
    req.session._draft = "saved"  # a `_`-led name is data like any other
    res.send("drafted")


app.get("/d/draft-read", lambda req, res: res.json({"draft": req.session._draft}))
app.get("/d/logout", lambda req, res: req.session.destroy(lambda err: res.send("bye")))
