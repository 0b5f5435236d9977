"""The home page: straight to the user list."""


def index(req, res):
    res.redirect("/users")
