"""A login app: a form, hashed passwords, sessions in SQLite, CSRF tokens and flash messages.

    expresspy run examples/login/app.py        # then open http://127.0.0.1:3000/

Sign in as "ann" with the password "wonderland". Sessions live in the SQLite file named by
LOGIN_SESSION_DB (default: login-sessions.db in the working folder), so a login survives a
restart of the server. Set SESSION_SECRET in production; the default is for trying it out.
"""

import asyncio
import os

from passwords import hash_password, verify_password
from security import csrf, flash, flash_messages

from expresspy import express, session
from expresspy.session import SQLiteStore

HERE = os.path.dirname(os.path.abspath(__file__))

app = express()
app.set("views", os.path.join(HERE, "views"))
app.set("view engine", "html")

app.use(express.urlencoded())
app.use(
    session(
        secret=os.environ.get("SESSION_SECRET", "change-me: a dev-only secret"),
        resave=False,
        save_uninitialized=False,
        clear_on_destroy=True,  # logging out also expires the cookie in the browser
        store=SQLiteStore(os.environ.get("LOGIN_SESSION_DB", "login-sessions.db")),
        cookie={"http_only": True, "same_site": "lax", "max_age": 8 * 3600},  # seconds
    )
)
app.use(csrf)
app.use(flash_messages)

# The user database: name -> record. A real app keeps this in a database of its own.
USERS = {
    "ann": {"name": "ann", "full_name": "Ann Smith", "password": hash_password("wonderland")},
}


def current_user(req, res, next):
    """Expose the signed-in user (or None) to every template."""
    res.locals["user"] = req.session.user
    next()


def login_required(req, res, next):
    """Send visitors who are not signed in to the form, with a flash message saying why."""
    if req.session.user:
        return next()
    flash(req, "error", "Please sign in first.")
    res.redirect("/login")


app.use(current_user)


@app.get("/")
def home(req, res):
    res.render("home")


@app.get("/about")
def about(req, res):
    res.render("about")


@app.get("/login")
def login_form(req, res):
    if req.session.user:
        return res.redirect("/profile")
    res.render("login")


@app.post("/login")
async def login(req, res):
    name = str(req.body.get("username", ""))
    password = str(req.body.get("password", ""))
    record = USERS.get(name)
    # scrypt takes tens of milliseconds: run it off the event loop.
    ok = record is not None and await asyncio.to_thread(
        verify_password, password, record["password"]
    )
    if not ok:
        flash(req, "error", "Unknown user or wrong password.")
        return res.redirect("/login")
    # A new session id on login, so an id planted before it is worthless (fixation).
    await req.session.regenerate()
    req.session.user = {"name": record["name"], "full_name": record["full_name"]}
    flash(req, "info", f"Welcome back, {record['full_name']}!")
    res.redirect("/profile")


def profile(req, res):
    req.session.visits = (req.session.visits or 0) + 1
    res.render("profile", {"visits": req.session.visits})


app.get("/profile", login_required, profile)


@app.post("/logout")
async def logout(req, res):
    # Deletes the record: the old cookie no longer names a session anywhere.
    await req.session.destroy()
    res.redirect("/")


def forbidden(err, req, res, next):
    """Render 403s (a bad CSRF token) as a page; leave other errors to the default handler."""
    if getattr(err, "status", None) != 403:
        return next(err)
    res.status(403).render("forbidden", {"reason": str(err)})


app.use(forbidden)

if __name__ == "__main__":
    app.listen(3000, lambda: print("Login example on http://127.0.0.1:3000/"))
