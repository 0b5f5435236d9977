"""Express's examples/ejs, in Python, with Jinja2 templates instead of EJS.

`app.engine('.html', require('ejs').__express)` becomes registering expresspy's Jinja2 engine
for ".html" (it already is the built-in engine for that extension; the call is kept because
it is what the original demonstrates). The templates are Jinja2: `<% users.forEach %>` is
`{% for %}` and `<%= %>` (escaped) is `{{ }}`.
"""

import os

from expresspy import express
from expresspy.view import jinja2_engine

app = express()

# Register Jinja2 as .html. If we did
# not call this, we would need to name
# our views after an extension with a
# built-in engine. The engine is simply a
# function `engine(path, options, callback)`
# that hooks into the view system, so to
# render "foo.html" with any other engine we
# would pass _that_ function here instead.

app.engine(".html", jinja2_engine)

# Optional since express defaults to CWD/views

app.set("views", os.path.join(os.path.dirname(__file__), "views"))

# Path to our public directory

app.use(express.static(os.path.join(os.path.dirname(__file__), "public")))

# Without this you would need to
# supply the extension to res.render()
# ex: res.render('users.html').
app.set("view engine", "html")

# Placeholder users
users = [
    {"name": "tobi", "email": "tobi@learnboost.com"},
    {"name": "loki", "email": "loki@learnboost.com"},
    {"name": "jane", "email": "jane@learnboost.com"},
]


@app.get("/")
def index(req, res):
    res.render(
        "users",
        {
            "users": users,
            "title": "EJS example",
            "header": "Some users",
        },
    )


if __name__ == "__main__":
    app.listen(3000)
    print("Express started on port 3000")
