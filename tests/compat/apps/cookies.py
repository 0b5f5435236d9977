"""res.cookie and res.clear_cookie: serialisation, attribute order, encoding; twin of
cookies.js."""

from datetime import datetime, timezone

from expresspy import express

app = express()


@app.get("/set")
def set_cookies(req, res):
    res.cookie("a", "b c", max_age=1, http_only=True, same_site="lax")
    res.cookie("plain", "v")
    res.cookie("j", {"x": 1})
    res.cookie(
        "p",
        "1",
        path="/sub",
        domain="example.com",
        secure=True,
        expires=datetime(2100, 1, 1, tzinfo=timezone.utc),
    )
    res.cookie("strict", "x", same_site="strict", priority="high", partitioned=True, secure=True)
    res.send("ok")


@app.get("/clear")
def clear_cookies(req, res):
    res.clear_cookie("a")
    res.clear_cookie("p", path="/sub", domain="example.com")
    res.send("cleared")


app.get("/echo", lambda req, res: res.send(req.get("Cookie") or "no cookies"))
