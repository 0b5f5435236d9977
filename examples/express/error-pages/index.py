"""Express's examples/error-pages, in Python.

The EJS views are Jinja2 templates (views/*.html). A Python exception has no `err.stack`, so
the 500 handler passes the formatted traceback to the view as `stack`.
"""

import os
import traceback

from expresspy import express

app = express()
silent = app.get("env") == "test"

# general config
app.set("views", os.path.join(os.path.dirname(__file__), "views"))
app.set("view engine", "html")

# our custom "verbose errors" setting
# which we can use in the templates
# via settings['verbose errors']
app.enable("verbose errors")

# disable them in production
# use $ EXPRESSPY_ENV=production expresspy run examples/express/error-pages/index.py
if app.settings["env"] == "production":
    app.disable("verbose errors")

if not silent:
    from expresspy.middleware import logger

    app.use(logger("dev"))

# Routes


@app.get("/")
def index(req, res):
    res.render("index.html")


@app.get("/404")
def not_found(req, res, next):
    # trigger a 404 since no other middleware
    # will match /404 after this one, and we're not
    # responding here
    next()


@app.get("/403")
def forbidden(req, res, next):
    # trigger a 403 error
    err = Exception("not allowed!")
    err.status = 403
    next(err)


@app.get("/500")
def server_error(req, res, next):
    # trigger a generic (500) error
    next(Exception("keyboard cat!"))


# Error handlers

# Since this is the last non-error-handling
# middleware use()d, we assume 404, as nothing else
# responded.

# $ curl http://localhost:3000/notfound
# $ curl http://localhost:3000/notfound -H "Accept: application/json"
# $ curl http://localhost:3000/notfound -H "Accept: text/plain"


def page_not_found(req, res, next):
    res.status(404)

    res.format(
        {
            "html": lambda: res.render("404", {"url": req.url}),
            "json": lambda: res.json({"error": "Not found"}),
            "default": lambda: res.type("txt").send("Not found"),
        }
    )


app.use(page_not_found)


# error-handling middleware, take the same form
# as regular middleware, however they require an
# arity of 4, aka the signature (err, req, res, next).
# when connect has an error, it will invoke ONLY error-handling
# middleware.

# If we were to next() here any remaining non-error-handling
# middleware would then be executed, or if we next(err) to
# continue passing the error, only error-handling middleware
# would remain being executed, however here
# we simply respond with an error page.


def error_page(err, req, res, next):
    # we may use properties of the error object
    # here and next(err) appropriately, or if
    # we possibly recovered from the error, simply next().
    res.status(getattr(err, "status", None) or 500)
    res.render("500", {"error": err, "stack": "".join(traceback.format_exception(err))})


app.use(error_page)


if __name__ == "__main__":
    app.listen(3000)
    print("Express started on port 3000")
