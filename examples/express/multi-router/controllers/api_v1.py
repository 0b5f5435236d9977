"""API version 1: a Router the app mounts at /api/v1."""

from expresspy import express

apiv1 = express.Router()


@apiv1.get("/")
def root(req, res):
    res.send("Hello from APIv1 root route.")


@apiv1.get("/users")
def users(req, res):
    res.send("List of APIv1 users.")
