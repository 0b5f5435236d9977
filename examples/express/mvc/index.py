"""Express's examples/mvc, in Python.

The controllers are folders loaded by lib/boot.py, as in the original. EJS and Handlebars
views are both Jinja2 templates: the pet controller's `engine` is "html" and the user
controller's is "j2", so each still picks its own engine. method-override is
`expresspy.middleware.method_override`. The messages middleware empties
`req.session.messages` before calling `next()` rather than after: `next()` may return before
the handlers it starts have run, and the messages they add are for the next page.
"""

import os

from lib.boot import boot

from expresspy import express, session
from expresspy.middleware import method_override

app = express()
main = __name__ == "__main__"
here = os.path.dirname(__file__)

# set our default template engine to Jinja2 (".html")
# which prevents the need for using file extensions
app.set("view engine", "html")

# set views for error and 404 pages
app.set("views", os.path.join(here, "views"))


# define a custom res.message() method
# which stores messages in the session
def message(self, msg):
    # reference `req.session` via the `self.req` reference
    sess = self.req.session
    # simply add the msg to a list for later
    sess.messages = sess.messages or []
    sess.messages.append(msg)
    return self


app.response.message = message

# log
if main:
    from expresspy.middleware import logger

    app.use(logger("dev"))

# serve static files
app.use(express.static(os.path.join(here, "public")))

# session support
app.use(
    session(
        resave=False,  # don't save session if unmodified
        save_uninitialized=False,  # don't create session until something stored
        secret="some secret here",
    )
)

# parse request bodies (req.body)
app.use(express.urlencoded({"extended": True}))

# allow overriding methods in query (?_method=put)
app.use(method_override("_method"))


# expose the "messages" local variable when views are rendered
def expose_messages(req, res, next):
    msgs = req.session.messages or []

    # expose "messages" local variable
    res.locals["messages"] = msgs

    # expose "has_messages"
    res.locals["has_messages"] = bool(msgs)

    # empty or "flush" the messages so they
    # don't build up
    req.session.messages = []
    next()


app.use(expose_messages)

# load controllers
boot(app, {"verbose": main})


def server_error(err, req, res, next):
    # log it
    if main:
        import traceback

        traceback.print_exception(err)

    # error page
    res.status(500).render("5xx")


app.use(server_error)


# assume 404 since no middleware responded
def not_found(req, res, next):
    res.status(404).render("404", {"url": req.original_url})


app.use(not_found)

if main:
    app.listen(3000)
    print("Express started on port 3000")
