"""Body-parser errors and results: json/urlencoded/text/raw with limits, strict mode, charsets,
encodings, parameter limits and extended (qs) parsing; twin of body_parsers.js."""

from expresspy import express

app = express()


def echo(req, res):
    """The body as parsed, or '<undefined>' when no parser read it; bytes as hex."""
    body = req.body
    if isinstance(body, bytes):
        return res.json({"buf": body.hex()})
    res.json({"body": "<undefined>" if body is None else body})


app.post("/json", express.json(limit="1kb"), echo)
app.post("/json-lax", express.json(strict=False), echo)
app.post("/json-vnd", express.json(type=["json", "+json"]), echo)
app.post("/urlencoded", express.urlencoded(parameter_limit=10), echo)
app.post("/urlencoded-ext", express.urlencoded(extended=True, parameter_limit=10), echo)
app.post("/urlencoded-latin1", express.urlencoded(default_charset="iso-8859-1"), echo)
app.post("/text", express.text(limit="1kb"), echo)
app.post("/text-any", express.text(type="*/*"), echo)
app.post("/raw", express.raw(limit="1kb"), echo)
# No error handler of ours: the default one answers (finalhandler).
app.post("/plain/json", express.json(limit="1kb"), echo)
app.post("/plain/urlencoded", express.urlencoded(parameter_limit=10), echo)

FIELDS = (
    "status",
    "type",
    "message",
    "expose",
    "limit",
    "length",
    "expected",
    "charset",
    "encoding",
    "body",
)


def report(err, req, res, next):
    """Every property body-parser puts on its errors that a client could see (JSON.stringify
    leaves out the undefined ones)."""
    if req.path.startswith("/plain/"):
        return next(err)
    shown = {name: getattr(err, name, None) for name in FIELDS}
    res.status(getattr(err, "status", None) or 500).json(
        {name: value for name, value in shown.items() if value is not None}
    )


app.use(report)
