"""Express's examples/route-map, in Python.

`app.map` walks a nested dict: a dict value is a deeper path, a function value is a handler
for the HTTP method its key names (`app.get`, `app.delete`). escape-html is `html.escape`.
"""

from html import escape as escape_html

from expresspy import express

app = express()

verbose = app.get("env") != "test"


def map_routes(a, route=""):
    for key, value in a.items():
        # { '/path': { ... }}
        if isinstance(value, dict):
            map_routes(value, route + key)
        # get: function(){ ... }
        elif callable(value):
            if verbose:
                print(f"{key} {route}")
            getattr(app, key)(route, value)


app.map = map_routes


class users:  # the original's object literal
    @staticmethod
    def list(req, res):
        res.send("user list")

    @staticmethod
    def get(req, res):
        res.send("user " + escape_html(req.params["uid"]))

    @staticmethod
    def delete(req, res):
        res.send("delete users")


class pets:  # the original's object literal
    @staticmethod
    def list(req, res):
        res.send("user " + escape_html(req.params["uid"]) + "'s pets")

    @staticmethod
    def delete(req, res):
        res.send(
            "delete " + escape_html(req.params["uid"]) + "'s pet " + escape_html(req.params["pid"])
        )


app.map(
    {
        "/users": {
            "get": users.list,
            "delete": users.delete,
            "/:uid": {
                "get": users.get,
                "/pets": {
                    "get": pets.list,
                    "/:pid": {
                        "delete": pets.delete,
                    },
                },
            },
        },
    }
)

if __name__ == "__main__":
    app.listen(3000)
    print("Express started on port 3000")
