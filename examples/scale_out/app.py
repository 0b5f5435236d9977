"""One app, several instances, one login: sessions in a shared store behind a load balancer.

    INSTANCE=a expresspy run examples/scale_out/app.py --port 3001 --workers 2
    INSTANCE=b expresspy run examples/scale_out/app.py --port 3002 --workers 2
    nginx -c "$PWD/examples/scale_out/nginx.conf" -p /tmp/   # then open http://127.0.0.1:8080/

Each instance (and each of its workers) is a separate process with its own memory, so the
sessions live in a shared store: Redis (REDIS_URL, default redis://127.0.0.1:6379/0), or
PostgreSQL with SESSION_STORE=postgres (DATABASE_URL, connect-pg-simple's `session` table,
created when missing). Whichever instance the load balancer picks sees the same login. Every
answer names the instance and the process that served it (the X-Instance header and the page),
so you can watch the round robin.

Sign in with POST /login (username "ann", password "wonderland"), then GET / a few times.
"""

from __future__ import annotations

import hmac
import os

from expresspy import express, session
from expresspy.session import PostgresStore, RedisStore

INSTANCE = os.environ.get("INSTANCE", "instance")

#: The demo's one user. A real app keeps hashed passwords in a database (see examples/login).
USERS = {"ann": "wonderland"}


def shared_store():
    """The store every instance reads: Redis, or PostgreSQL with SESSION_STORE=postgres."""
    if os.environ.get("SESSION_STORE") == "postgres":
        return PostgresStore(
            os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
            table_name=os.environ.get("SESSION_TABLE", "session"),
            create_table_if_missing=True,
        )
    return RedisStore(
        os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        prefix=os.environ.get("SESSION_PREFIX", "sess:"),
    )


app = express()
# nginx on the same machine forwards the client's address and scheme (X-Forwarded-*).
app.set("trust proxy", "loopback")
app.use(express.urlencoded())
app.use(
    session(
        secret=os.environ.get("SESSION_SECRET", "change-me: a dev-only secret"),
        resave=False,
        save_uninitialized=False,
        store=shared_store(),
        cookie={"http_only": True, "same_site": "lax"},
    )
)


def name_the_instance(req, res, next):
    """Say which instance and process answered, for the demo and the tests."""
    res.set("X-Instance", f"{INSTANCE}/{os.getpid()}")
    next()


app.use(name_the_instance)


@app.get("/")
async def home(req, res):
    """Who is signed in, and how many pages this session has seen (on any instance)."""
    if req.session.user:
        req.session.views = (req.session.views or 0) + 1
    res.json(
        {
            "user": req.session.user,
            "views": req.session.views,
            "instance": INSTANCE,
            "pid": os.getpid(),
        }
    )


@app.post("/login")
async def login(req, res):
    """Check the form's username and password; on success start a fresh session."""
    name = str(req.body.get("username", ""))
    password = str(req.body.get("password", ""))
    expected = USERS.get(name)
    if expected is None or not hmac.compare_digest(password, expected):
        return res.status(401).json({"error": "wrong username or password"})
    await req.session.regenerate()  # a new id at login, against session fixation
    req.session.user = name
    req.session.views = 0
    res.json({"user": name, "instance": INSTANCE})


@app.post("/logout")
async def logout(req, res):
    """End the session everywhere: the record in the store is deleted."""
    await req.session.destroy()
    res.json({"user": None})
