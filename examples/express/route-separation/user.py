"""Users: a fake database and the handlers for listing, loading, viewing and editing."""

# Fake user database

users = [
    {"name": "TJ", "email": "tj@vision-media.ca"},
    {"name": "Tobi", "email": "tobi@vision-media.ca"},
]


def list_users(req, res):
    """`exports.list` (`list` would hide Python's built-in)."""
    res.render("users", {"title": "Users", "users": users})


def load(req, res, next):
    id = req.params["id"]
    req.user = users[int(id)] if id.isdigit() and int(id) < len(users) else None
    if req.user:
        next()
    else:
        err = Exception("cannot find user " + id)
        err.status = 404
        next(err)


def view(req, res):
    res.render(
        "users/view",
        {
            "title": "Viewing user " + req.user["name"],
            "user": req.user,
        },
    )


def edit(req, res):
    res.render(
        "users/edit",
        {
            "title": "Editing user " + req.user["name"],
            "user": req.user,
        },
    )


def update(req, res):
    # Normally you would handle all kinds of
    # validation and save back to the db
    user = req.body["user"]
    req.user["name"] = user["name"]
    req.user["email"] = user["email"]
    res.redirect(req.get("Referrer") or "/")
