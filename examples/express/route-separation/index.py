"""Express's examples/route-separation, in Python.

site.js is site_pages.py: `site` is a standard-library module that Python has already
imported at start-up, so `import site` would never reach the example's file. method-override
is `expresspy.middleware.method_override`. The EJS views are Jinja2 templates.
"""

import os

import post
import site_pages as site
import user

from expresspy import express
from expresspy.middleware import cookie_parser, method_override

app = express()
here = os.path.dirname(__file__)

# Config

app.set("view engine", "html")
app.set("views", os.path.join(here, "views"))

if __name__ == "__main__":
    from expresspy.middleware import logger

    app.use(logger("dev"))

app.use(method_override("_method"))
app.use(cookie_parser())
app.use(express.urlencoded({"extended": True}))
app.use(express.static(os.path.join(here, "public")))

# General

app.get("/", site.index)

# User

app.get("/users", user.list_users)
app.all("/user/:id{/:op}", user.load)
app.get("/user/:id", user.view)
app.get("/user/:id/view", user.view)
app.get("/user/:id/edit", user.edit)
app.put("/user/:id/edit", user.update)

# Posts

app.get("/posts", post.list_posts)

if __name__ == "__main__":
    app.listen(3000)
    print("Express started on port 3000")
