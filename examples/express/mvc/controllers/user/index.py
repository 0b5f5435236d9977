"""Users: list, show, edit and update; `before` loads the user named in the URL."""

import asyncio

import db

engine = "j2"


async def before(req, res, next):
    id = req.params.get("user_id")
    if not id:
        return next()
    # pretend to query a database...
    await asyncio.sleep(0)
    req.user = db.find(db.users, id)
    # cant find that user
    if not req.user:
        return next("route")
    # found it, move on to the routes
    next()


def list_(req, res, next):
    res.render("list", {"users": db.users})


def edit(req, res, next):
    res.render("edit", {"user": req.user})


def show(req, res, next):
    res.render("show", {"user": req.user})


def update(req, res, next):
    body = req.body
    req.user["name"] = body["user"]["name"]
    res.message("Information updated!")
    res.redirect("/user/" + str(req.user["id"]))
