"""Express's examples/resource, in Python.

`app.resource = function (path, obj) {...}` adds a method to this one app; here the function
is bound to the app with `types.MethodType`, so `self` is the original's `this`. JavaScript's
`delete users[id]` leaves a hole that JSON writes as `null`; here the hole is `None`.
"""

import re
import types

from expresspy import express

app = express()

# Ad-hoc example resource method


def resource(self, path, obj):
    self.get(path, obj.index)

    def range_handler(req, res):
        a = parse_int(req.params["a"])
        b = parse_int(req.params["b"])
        fmt = req.params.get("format")
        obj.range(req, res, a, b, fmt)

    self.get(path + "/:a..:b{.:format}", range_handler)
    self.get(path + "/:id", obj.show)

    def destroy_handler(req, res):
        id = parse_int(req.params["id"])
        obj.destroy(req, res, id)

    self.delete(path + "/:id", destroy_handler)


app.resource = types.MethodType(resource, app)


def parse_int(text):
    """JavaScript's parseInt(text, 10), with None for NaN."""
    match = re.match(r"\s*([+-]?\d+)", text)
    return int(match.group(1)) if match else None


# Fake records

users = [
    {"name": "tj"},
    {"name": "ciaran"},
    {"name": "aaron"},
    {"name": "guillermo"},
    {"name": "simon"},
    {"name": "tobi"},
]


def find(id):
    """users[id] as JavaScript reads it: None for a hole, a bad index or a non-number."""
    return users[id] if isinstance(id, int) and 0 <= id < len(users) else None


# Fake controller.


class User:
    @staticmethod
    def index(req, res):
        res.send(users)

    @staticmethod
    def show(req, res):
        res.send(find(parse_int(req.params["id"])) or {"error": "Cannot find user"})

    @staticmethod
    def destroy(req, res, id):
        destroyed = find(id) is not None
        if destroyed:
            users[id] = None
        res.send("destroyed" if destroyed else "Cannot find user")

    @staticmethod
    def range(req, res, a, b, format):
        # slice(a, b + 1); parseInt's NaN makes an empty slice
        chosen = users[a : b + 1] if a is not None and b is not None else []
        if format == "json":
            res.send(chosen)
        else:  # (the original throws on a deleted user here; this leaves it out)
            html = (
                "<ul>"
                + "\n".join("<li>" + user["name"] + "</li>" for user in chosen if user)
                + "</ul>"
            )
            res.send(html)


# curl http://localhost:3000/users     -- responds with all users
# curl http://localhost:3000/users/1   -- responds with user 1
# curl http://localhost:3000/users/4   -- responds with error
# curl http://localhost:3000/users/1..3 -- responds with several users
# curl -X DELETE http://localhost:3000/users/1  -- deletes the user

app.resource("/users", User)


@app.get("/")
def index(req, res):
    res.send(
        "\n".join(
            [
                "<h1>Examples:</h1> <ul>",
                "<li>GET /users</li>",
                "<li>GET /users/1</li>",
                "<li>GET /users/3</li>",
                "<li>GET /users/1..3</li>",
                "<li>GET /users/1..3.json</li>",
                "<li>DELETE /users/4</li>",
                "</ul>",
            ]
        )
    )


if __name__ == "__main__":
    app.listen(3000)
    print("Express started on port 3000")
