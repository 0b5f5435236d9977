"""res.redirect: default 302, explicit status, relative and absolute URLs, URL encoding; twin of
redirects.js."""

from expresspy import express

app = express()

app.get("/default", lambda req, res: res.redirect("/target"))
app.get("/moved", lambda req, res: res.redirect(301, "/target"))
app.get("/see-other", lambda req, res: res.redirect(303, "/target"))
app.get("/temporary", lambda req, res: res.redirect(307, "/target"))
app.get("/a/b/relative", lambda req, res: res.redirect("../up"))
app.get("/absolute", lambda req, res: res.redirect("http://example.com/x?y=1"))
app.get("/encode", lambda req, res: res.redirect("/dest?a=b c&d=\u00e9"))
app.get("/escape-html", lambda req, res: res.redirect('/x?<b>&"q"'))
app.get("/already-encoded", lambda req, res: res.redirect("/caf%C3%A9?q=%20"))
app.post("/after-post", lambda req, res: res.redirect(303, "/target"))
app.get("/target", lambda req, res: res.send("target"))
