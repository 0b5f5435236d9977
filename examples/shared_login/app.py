"""The Python half of the shared-login demo: expresspy with RedisStore.

app.js is the same app in Express 5 with express-session and connect-redis. Both use one
Redis, one key prefix, one session secret and one cookie name, so a login made on either app
is a login on both, and signing out on either ends it on both. See README.md to run the pair.
"""

import asyncio
import hashlib
import hmac
import os
from html import escape

from expresspy import express, session
from expresspy.session import RedisStore

# What the two apps must agree on. Set SESSION_SECRET to the same long random value for both.
SECRET = os.environ.get("SESSION_SECRET", "shared-login demo secret: change me")
PREFIX = os.environ.get("SHARED_LOGIN_PREFIX", "shared-login:")
COOKIE_NAME = "shared.sid"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

# The one account: alice, password "wonderland", kept as an scrypt hash
# (N=16384, r=8, p=1, 32 bytes), the same parameters as app.js's crypto.scryptSync.
USERS = {
    "alice": {
        "salt": "5e1f0c7a9b3d4e2f8a6b1c0d2e3f4a5b",
        "hash": "22ad7c08774c67bc4029aa21d6072a3b648c99a9d52eb0cb3135238b0b83479c",
    },
}


def authenticate(name, password):
    user = USERS.get(name)
    if not user or not isinstance(password, str):
        return None
    digest = hashlib.scrypt(
        password.encode(), salt=bytes.fromhex(user["salt"]), n=16384, r=8, p=1, dklen=32
    )
    return name if hmac.compare_digest(digest, bytes.fromhex(user["hash"])) else None


def page(user, message=None):
    if user:
        body = (
            f"<p>Signed in as <strong>{escape(user)}</strong>.</p>\n"
            '<form method="post" action="/logout"><button>Sign out</button></form>'
        )
    else:
        body = (
            '<form method="post" action="/login">\n'
            '<input name="username" placeholder="alice"> '
            '<input name="password" type="password">\n<button>Sign in</button></form>'
        )
    note = f"<p>{escape(message)}</p>\n" if message else ""
    return (
        "<!DOCTYPE html>\n<title>Shared login</title>\n"
        f"<h1>Shared login, served by Python</h1>\n{note}{body}\n"
    )


app = express()
app.use(express.urlencoded(extended=False))
app.use(
    session(
        name=COOKIE_NAME,
        secret=SECRET,
        store=RedisStore(REDIS_URL, prefix=PREFIX),
        resave=False,
        save_uninitialized=False,
        cookie={"http_only": True, "same_site": "lax", "max_age": 60 * 60},
    )
)


@app.get("/")
def home(req, res):
    res.send(page(req.session.user))


# Who is signed in, for scripts and tests.
@app.get("/me")
def me(req, res):
    res.json({"user": req.session.user, "server": "python"})


@app.post("/login")
async def login(req, res):
    form = req.body or {}
    # scrypt takes a while on purpose: run it off the event loop.
    user = await asyncio.to_thread(authenticate, form.get("username"), form.get("password"))
    if not user:
        return res.status(401).send(page(None, "Wrong name or password."))
    # A new session id for the new privilege (against session fixation).
    await req.session.regenerate()
    req.session.user = user
    res.redirect(303, "/")


@app.post("/logout")
async def logout(req, res):
    await req.session.destroy()
    res.clear_cookie(COOKIE_NAME)
    res.redirect(303, "/")


if __name__ == "__main__":
    port = int(os.environ.get("PORT", 3001))
    app.listen(port, lambda: print(f"Python app listening on http://127.0.0.1:{port}"))
