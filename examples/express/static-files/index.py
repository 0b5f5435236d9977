"""Express's examples/static-files, in Python.

The original calls `app.listen(3000)` at the top level; here that sits under
`if __name__ == "__main__"` so `expresspy run` and the tests can import the app without
starting a server.
"""

import os

from expresspy import express

app = express()
here = os.path.dirname(__file__)

# log requests
if app.get("env") != "test":
    from expresspy.middleware import logger

    app.use(logger("dev"))

# express on its own has no notion
# of a "file". The express.static()
# middleware checks for a file matching
# the `req.path` within the directory
# that you pass it. In this case "GET /js/app.js"
# will look for "./public/js/app.js".

app.use(express.static(os.path.join(here, "public")))

# if you wanted to "prefix" you may use
# the mounting feature of Connect, for example
# "GET /static/js/app.js" instead of "GET /js/app.js".
# The mount-path "/static" is simply removed before
# passing control to the express.static() middleware,
# thus it serves the file correctly by ignoring "/static"
app.use("/static", express.static(os.path.join(here, "public")))

# if for some reason you want to serve files from
# several directories, you can use express.static()
# multiple times! Here we're passing "./public/css",
# this will allow "GET /style.css" instead of "GET /css/style.css":
app.use(express.static(os.path.join(here, "public", "css")))

if __name__ == "__main__":
    app.listen(3000)
    print("listening on port 3000")
    print("try:")
    print("  GET /hello.txt")
    print("  GET /js/app.js")
    print("  GET /css/style.css")
