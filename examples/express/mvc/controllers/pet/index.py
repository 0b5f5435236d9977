"""Pets: show, edit and update, each after `before` has loaded the pet."""

import db

engine = "html"


def before(req, res, next):
    pet = db.find(db.pets, req.params["pet_id"])
    if not pet:
        return next("route")
    req.pet = pet
    next()


def show(req, res, next):
    res.render("show", {"pet": req.pet})


def edit(req, res, next):
    res.render("edit", {"pet": req.pet})


def update(req, res, next):
    body = req.body
    req.pet["name"] = body["pet"]["name"]
    res.message("Information updated!")
    res.redirect("/pet/" + str(req.pet["id"]))
