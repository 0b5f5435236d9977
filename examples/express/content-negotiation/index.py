"""Express's examples/content-negotiation, in Python.

`require('./users')` in the original's `format()` becomes `importlib.import_module("users")`;
the module's `__all__` lists the handlers, as the JavaScript module's exports do.
"""

import importlib

from db import users

from expresspy import express

app = express()


# so either you can deal with different types of formatting
# for expected response in index.py
@app.get("/")
def index(req, res):
    res.format(
        {
            "html": lambda: res.send(
                "<ul>" + "".join(f"<li>{user['name']}</li>" for user in users) + "</ul>"
            ),
            "text": lambda: res.send("".join(f" - {user['name']}\n" for user in users)),
            "json": lambda: res.json(users),
        }
    )


# or you could write a tiny middleware like
# this to add a layer of abstraction
# and make things a bit more declarative:


def format(path):
    obj = importlib.import_module(path)
    handlers = {name: getattr(obj, name) for name in obj.__all__}

    def respond(req, res):
        res.format(handlers)

    return respond


app.get("/users", format("users"))

if __name__ == "__main__":
    app.listen(3000)
    print("Express started on port 3000")
