"""API version 2: a Router the app mounts at /api/v2."""

from expresspy import express

apiv2 = express.Router()


@apiv2.get("/")
def root(req, res):
    res.send("Hello from APIv2 root route.")


@apiv2.get("/users")
def users(req, res):
    res.send("List of APIv2 users.")
