"""cookie-parser: plain, JSON (j:) and signed (s:) cookies, rotated secrets, tampering; and
res.cookie's signed and JSON values; twin of cookie_parser.js."""

from expresspy import express
from expresspy.middleware import cookie_parser

app = express()


def echo(req, res):
    shown = {"cookies": req.cookies, "signed": req.signed_cookies, "secret": req.secret}
    res.json({k: v for k, v in shown.items() if v is not None})


app.get("/echo", cookie_parser("sekrit"), echo)
app.get("/rotated", cookie_parser(["new-secret", "old-secret"]), echo)
app.get("/nosecret", cookie_parser(), echo)


def set_cookies(req, res):
    res.cookie("s", "value", signed=True)
    res.cookie("j", {"a": 1, "b": [True, None]})
    res.cookie("sj", {"a": 1}, signed=True)
    res.cookie("odd", "a b;c,d=\u00e9", signed=True)
    res.send("set")


app.get("/set", cookie_parser("sekrit"), set_cookies)
