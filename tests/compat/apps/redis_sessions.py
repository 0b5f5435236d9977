"""Sessions in Redis through RedisStore: the cookie flow, and the stored record and TTL; twin of
redis_sessions.js."""

import json
import os
import re

import redis

from expresspy import express, session
from expresspy.session import RedisStore

URL = "redis://127.0.0.1:6379/0"
# One prefix per process, so concurrent runs never read each other's sessions; the interop
# test gives a Node and a Python server the same prefix to share sessions.
PREFIX = os.environ.get("COMPAT_REDIS_PREFIX") or f"compat-{os.getpid()}:"
ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
client = redis.Redis.from_url(URL, socket_timeout=2)

app = express()
app.use(
    session(
        store=RedisStore(URL, prefix=PREFIX),
        secret="redis-secret",
        resave=False,
        save_uninitialized=False,
        cookie={"maxAge": 60000},
    )
)


@app.get("/count")
def count(req, res):
    req.session.views = (req.session.views or 0) + 1
    res.json({"views": req.session.views})


@app.get("/record")
def record(req, res):
    # The stored record with the moment-dependent expiry replaced by its shape, and its TTL.
    key = PREFIX + req.session_id
    raw = client.get(key)
    stored = None if raw is None else json.loads(raw)
    if stored and ISO_DATE.match(str(stored["cookie"].get("expires"))):
        stored["cookie"]["expires"] = "<ISO date>"
    if stored and isinstance(stored["cookie"].get("originalMaxAge"), int):
        # express-session derives it from `expires - now`, so it can read 59998 for 60000.
        stored["cookie"]["originalMaxAge"] = round(stored["cookie"]["originalMaxAge"] / 1000) * 1000
    ttl = client.ttl(key)
    # To ten seconds, as a second may pass between saving and reading; -2 means no key.
    res.json({"record": stored, "ttl": round(ttl / 10) * 10 if ttl > 0 else ttl})


app.get(
    "/logout",
    lambda req, res: req.session.destroy(lambda err: res.send("failed" if err else "bye")),
)
