"""The /users handlers of examples/express/content-negotiation: one function per media type.

`__all__` plays the part of the original's `exports`: index.py's `format()` hands exactly
these names to `res.format`.
"""

from db import users

__all__ = ["html", "json", "text"]


def html(req, res):
    res.send("<ul>" + "".join("<li>" + user["name"] + "</li>" for user in users) + "</ul>")


def text(req, res):
    res.send("".join(" - " + user["name"] + "\n" for user in users))


def json(req, res):
    res.json(users)
