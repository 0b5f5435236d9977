"""Middleware order, path-prefixed middleware, routers mounted with parameters, URL rewriting,
next("route"), next("router"), async handlers and errors inside a router; twin of
mounting.js."""

import asyncio

from expresspy import Router, express
from expresspy.errors import HTTPError

app = express()


def where(req, res):
    res.json(
        {
            "url": req.url,
            "originalUrl": req.original_url,
            "baseUrl": req.base_url,
            "path": req.path,
            "params": dict(req.params),
        }
    )


def mark(name):
    """Records each middleware that ran in X-Trail, so the order is visible in the response."""

    def middleware(req, res, next):
        res.append("X-Trail", name)
        next()

    return middleware


app.use(mark("global"))
app.use("/static", mark("static-prefix"))
app.get("/static/file", where)
app.get("/staticfile", where)

api = Router()
api.use(mark("api"))
api.get("/:id", where)
api.get("/", where)


def api_errors(err, req, res, next):
    res.status(getattr(err, "status", None) or 500).json({"api_error": str(err)})


api.use(api_errors)
app.use("/api/:ver", api)


@app.get("/api-fail")
def api_fail(req, res, next):
    next(HTTPError(409, "outside"))


leaving = Router()
leaving.use("/gone", lambda req, res, next: next("router"))
leaving.get("/gone", lambda req, res: res.send("never"))
leaving.get("/stay", lambda req, res: res.send("stayed"))
app.use("/leave", leaving)
app.get("/leave/gone", lambda req, res: res.send("after the router"))

app.get(
    "/skip",
    mark("first"),
    lambda req, res, next: next("route"),
    lambda req, res: res.send("never"),
)
app.get("/skip", lambda req, res: res.send("second route"))


@app.get("/async")
async def async_handler(req, res):
    await asyncio.sleep(0.01)
    res.send("async done")


app.get("/chain", mark("one"), mark("two"), lambda req, res: res.send("chained"))
