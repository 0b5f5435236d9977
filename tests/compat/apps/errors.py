"""404 pages and the default error handler, plus one error middleware; twin of errors.js."""

from expresspy import express
from expresspy.errors import HTTPError

app = express()


class AppError(Exception):
    """An exception with arbitrary attributes: any `status` or `status_code` counts, as in
    Express (err.status, err.statusCode)."""

    def __init__(self, message, **attributes):
        super().__init__(message)
        self.__dict__.update(attributes)


def fail_with(error):
    """A handler that passes `error` to next()."""
    return lambda req, res, next: next(error)


@app.get("/throw")
def throw(req, res):
    raise Exception("boom")


app.get("/forbidden", fail_with(HTTPError(403, "Forbidden thing")))
# The default error handler also reads `status_code` (Express: err.statusCode).
app.get("/status-code", fail_with(AppError("I am a teapot", status_code=418)))
# Only 4xx/5xx statuses count; anything else becomes 500.
app.get("/status-out-of-range", fail_with(AppError("not an error status", status=302)))
app.get("/html-in-message", fail_with(HTTPError(400, '<b>bold</b> & "quoted"')))


@app.get("/async-throw")
async def async_throw(req, res):
    raise Exception("async boom")


@app.get("/res-status-then-error")
def res_status_then_error(req, res, next):
    # With no status on the error, a 4xx/5xx res.status_code is kept.
    res.status(503)
    next(Exception("unavailable"))


app.get("/api/fail", fail_with(HTTPError(422, "Unprocessable thing")))
app.get("/api/ok", lambda req, res: res.json({"ok": True}))


def api_errors(err, req, res, next):
    res.status(getattr(err, "status", None) or 500).json({"error": str(err)})


app.use("/api", api_errors)
