"""Express's examples/auth, in Python.

pbkdf2-password becomes the standard library's `hashlib.pbkdf2_hmac` (same algorithm: PBKDF2,
a random salt per user). `authenticate` keeps the original's callback style. The EJS views
are Jinja2 templates (views/*.html); `<%- message %>` (unescaped) is `{{ message|safe }}`.
"""

import hashlib
import hmac
import os

from expresspy import express, session

app = express()
main = __name__ == "__main__"

# config

app.set("view engine", "html")
app.set("views", os.path.join(os.path.dirname(__file__), "views"))

# middleware

app.use(express.urlencoded())
app.use(
    session(
        resave=False,  # don't save session if unmodified
        save_uninitialized=False,  # don't create session until something stored
        secret="shhhh, very secret",
    )
)

# Session-persisted message middleware


def messages(req, res, next):
    err = req.session.error
    msg = req.session.success
    del req.session.error
    del req.session.success
    res.locals["message"] = ""
    if err:
        res.locals["message"] = '<p class="msg error">' + err + "</p>"
    if msg:
        res.locals["message"] = '<p class="msg success">' + msg + "</p>"
    next()


app.use(messages)


# placeholder database

users = {
    "tj": {"name": "tj"},
}


def hash_password(password, salt=None, fn=None):
    """pbkdf2-password's `hash({password, salt}, fn)`: a new salt when none is given."""
    try:
        salt = salt or os.urandom(16).hex()
        digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 100_000)
    except Exception as err:
        return fn(err, None, None, None)
    fn(None, password, salt, digest.hex())


# when you create a user, generate a salt
# and hash the password ('foobar' is the pass here)


def store_in_db(err, password, salt, hash):
    if err:
        raise err
    # store the salt & hash in the "db"
    users["tj"]["salt"] = salt
    users["tj"]["hash"] = hash


hash_password("foobar", fn=store_in_db)


# Authenticate using our plain-dict database of doom!


def authenticate(name, password, fn):
    if main:
        print(f"authenticating {name}:{password}")
    user = users.get(name)
    # query the db for the given username
    if not user:
        return fn(None, None)

    # apply the same algorithm to the POSTed password, applying
    # the hash against the pass / salt, if there is a match we
    # found the user
    def compare(err, password, salt, hash):
        if err:
            return fn(err, None)
        if hmac.compare_digest(hash, user["hash"]):
            return fn(None, user)
        fn(None, None)

    hash_password(password, user["salt"], compare)


def restrict(req, res, next):
    if req.session.user:
        next()
    else:
        req.session.error = "Access denied!"
        res.redirect("/login")


@app.get("/")
def index(req, res):
    res.redirect("/login")


def restricted(req, res):
    res.send('Wahoo! restricted area, click to <a href="/logout">logout</a>')


app.get("/restricted", restrict, restricted)


@app.get("/logout")
def logout(req, res):
    # destroy the user's session to log them out
    # will be re-created next request
    req.session.destroy(lambda err: res.redirect("/"))


@app.get("/login")
def login_form(req, res):
    res.render("login")


@app.post("/login")
def login(req, res, next):
    if not req.body:
        return res.send_status(400)

    def authenticated(err, user):
        if err:
            return next(err)
        if user:
            # Regenerate session when signing in
            # to prevent fixation
            def regenerated(err):
                # Store the user's primary key
                # in the session store to be retrieved,
                # or in this case the entire user object
                req.session.user = user
                req.session.success = (
                    "Authenticated as "
                    + user["name"]
                    + ' click to <a href="/logout">logout</a>. '
                    + ' You may now access <a href="/restricted">/restricted</a>.'
                )
                res.redirect(req.get("Referrer") or "/")

            req.session.regenerate(regenerated)
        else:
            req.session.error = (
                "Authentication failed, please check your "
                + " username and password."
                + ' (use "tj" and "foobar")'
            )
            res.redirect("/login")

    authenticate(req.body.get("username"), req.body.get("password"), authenticated)


if main:
    app.listen(3000)
    print("Express started on port 3000")
