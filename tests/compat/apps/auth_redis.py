"""passport + LocalStrategy, flash() and csrf() over session() with RedisStore; twin of
auth_redis.js."""

import json
import os

import redis

from expresspy import express, passport, session
from expresspy.middleware import csrf, flash
from expresspy.passport import LocalStrategy
from expresspy.session import RedisStore

URL = "redis://127.0.0.1:6379/0"
PREFIX = os.environ.get("COMPAT_REDIS_PREFIX") or f"compat-passport-{os.getpid()}:"
client = redis.Redis.from_url(URL, socket_timeout=2)

USERS = {"ann": {"id": 1, "username": "ann", "password": "secret"}}


def verify(username, password, done):
    user = USERS.get(username)
    return done(None, user if user and user["password"] == password else False)


passport.use(LocalStrategy(verify))
passport.serialize_user(lambda user, done: done(None, {"id": user["id"], "name": user["username"]}))
passport.deserialize_user(lambda stored, done: done(None, USERS.get(stored["name"]) or False))

app = express()
app.use(express.urlencoded({"extended": False}))
app.use(
    session(
        store=RedisStore(URL, prefix=PREFIX),
        secret="passport-redis-secret",
        resave=False,
        save_uninitialized=False,
        cookie={"maxAge": 60000},
    )
)
app.use(flash())
app.use(passport.initialize())
app.use(passport.session())

app.post(
    "/login",
    passport.authenticate("local"),
    lambda req, res: res.json({"user": req.user["username"]}),
)
app.get("/me", lambda req, res: res.json({"user": req.user["username"] if req.user else None}))
app.get("/flash-add", lambda req, res: res.json({"count": req.flash("info", req.query["msg"])}))
app.get("/flash-read", lambda req, res: res.json(req.flash("info")))

protection = csrf()
app.get("/csrf-token", protection, lambda req, res: res.json({"token": req.csrf_token()}))
app.post("/csrf-check", protection, lambda req, res: res.json({"ok": True}))
app.use(
    lambda err, req, res, next: res.status(getattr(err, "status", 500)).json(
        {"code": getattr(err, "code", None)}
    )
)

app.post(
    "/logout",
    lambda req, res, next: req.logout(lambda err: next(err) if err else res.json({"out": True})),
)


@app.get("/record")
def record(req, res):
    # The stored record, its moment-dependent expiry replaced by its shape.
    raw = client.get(PREFIX + req.session_id)
    stored = None if raw is None else json.loads(raw)
    if stored:
        stored["cookie"] = sorted(stored["cookie"])
    res.json(stored)
