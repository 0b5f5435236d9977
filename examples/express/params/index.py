"""Express's examples/params, in Python.

http-errors' `createError(status, msg)` is `expresspy.HTTPError(status, msg)`. JavaScript's
`parseInt` reads leading digits and gives NaN for none; `parse_int` does the same, returning
None for NaN (Python's `int()` would refuse "12abc" that parseInt accepts).
"""

import re

from expresspy import HTTPError, express

app = express()

# Faux database

users = [
    {"name": "tj"},
    {"name": "tobi"},
    {"name": "loki"},
    {"name": "jane"},
    {"name": "bandit"},
]


def parse_int(text):
    """JavaScript's parseInt(text, 10), with None for NaN."""
    match = re.match(r"\s*([+-]?\d+)", text)
    return int(match.group(1)) if match else None


# Convert :to and :from to integers


@app.param(["to", "from"])
def to_integer(req, res, next, num, name):
    req.params[name] = parse_int(num)
    if req.params[name] is None:
        next(HTTPError(400, "failed to parseInt " + num))
    else:
        next()


# Load user by id


@app.param("user")
def load_user(req, res, next, id):
    index = parse_int(id)
    req.user = users[index] if index is not None and 0 <= index < len(users) else None
    if req.user:
        next()
    else:
        next(HTTPError(404, "failed to find user"))


# GET index.


@app.get("/")
def index(req, res):
    res.send("Visit /user/0 or /users/0-2")


# GET :user.


@app.get("/user/:user")
def show_user(req, res):
    res.send("user " + req.user["name"])


# GET users :from - :to.


@app.get("/users/:from-:to")
def list_users(req, res):
    start = req.params["from"]
    to = req.params["to"]
    names = [user["name"] for user in users]
    res.send("users " + ", ".join(names[start : to + 1]))


if __name__ == "__main__":
    app.listen(3000)
    print("Express started on port 3000")
