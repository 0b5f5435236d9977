"""A user's pets: `create` adds one, under the /user/:user_id prefix."""

import db

name = "pet"
prefix = "/user/:user_id"


def create(req, res, next):
    id = req.params["user_id"]
    user = db.find(db.users, id)
    body = req.body
    if not user:
        return next("route")
    pet = {"name": body["pet"]["name"]}
    db.pets.append(pet)
    pet["id"] = len(db.pets) - 1
    user["pets"].append(pet)
    res.message("Added pet " + body["pet"]["name"])
    res.redirect("/user/" + id)
