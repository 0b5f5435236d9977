"""csrf() over session() with its default token places; twin of csrf.js (csrf-sync)."""

import re

from expresspy import express, session
from expresspy.middleware import csrf

KNOWN = "a" * 64
protection = csrf()
skipping = csrf(skip_csrf_protection=lambda req: req.path == "/skip")

app = express()
app.use(express.urlencoded({"extended": False}))
app.use(session(secret="csrf-secret", resave=False, save_uninitialized=False))

app.post("/unprotected", lambda req, res: res.json({"ok": True}))
app.post("/skip", skipping, lambda req, res: res.json({"skipped": True}))

app.use(protection)


@app.get("/token")
def token(req, res):
    value = req.csrf_token()
    res.json(
        {
            "length": len(value),
            "hex": bool(re.fullmatch(r"[0-9a-f]+", value)),
            "stable": req.csrfToken() == value,
            "stored": req.session.csrfToken == value,
        }
    )


@app.get("/renew")
def renew(req, res):
    before = req.session.csrfToken
    value = req.csrf_token(True)
    res.json({"changed": value != before, "stored": req.session.csrfToken == value})


@app.get("/fix")
def fix(req, res):
    req.session.csrfToken = KNOWN
    res.json({"fixed": True})


@app.get("/revoke")
def revoke(req, res):
    protection.revoke_token(req)
    res.json({"revoked": "csrfToken" not in req.session})


app.post("/transfer", lambda req, res: res.json({"transferred": True}))
app.put("/transfer", lambda req, res: res.json({"replaced": True}))
app.options("/transfer", lambda req, res: res.json({"options": True}))
app.post("/default-page", lambda req, res: res.send("never"))


def errors(err, req, res, next):
    # JSON errors for every route but /default-page, which shows the default error page.
    if req.path == "/default-page":
        return next(err)
    status = getattr(err, "status", None)
    res.status(status or 500).json(
        {"status": status, "code": getattr(err, "code", None), "message": str(err)}
    )


app.use(errors)
