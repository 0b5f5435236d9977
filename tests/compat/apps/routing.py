"""Route parameters (path-to-regexp 8 syntax), req.query, automatic HEAD and OPTIONS; twin of
routing.js."""

from expresspy import express

app = express()


def show_params(req, res):
    res.json(dict(req.params))


app.get("/users/:id", show_params)
app.get("/users/:uid/books/:bid", show_params)
app.get("/files/*rest", show_params)
app.get("/opt{/:x}", show_params)
app.get("/f/:file{.:ext}", show_params)
app.get("/pair/:a-:b", show_params)
app.get("/q", lambda req, res: res.json(dict(req.query)))

app.route("/items").get(lambda req, res: res.send("list")).post(
    lambda req, res: res.status(201).send("made")
)
app.all("/any", lambda req, res: res.send(f"any {req.method}"))


@app.options("/custom-options")
def custom_options(req, res):
    res.set("Allow", "GET, OPTIONS")
    res.send_status(204)


app.get("/custom-options", lambda req, res: res.send("get"))


@app.head("/explicit-head")
def explicit_head(req, res):
    res.set("Cache-Control", "from-head-handler")
    res.end()


app.get("/explicit-head", lambda req, res: res.send("from get"))


def show_error(err, req, res, next):
    # Shows the message of a malformed-parameter error (400) instead of the stack page.
    res.status(getattr(err, "status", None) or 500).send(str(err))


app.use(show_error)
