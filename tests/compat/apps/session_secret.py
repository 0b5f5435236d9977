"""express-session without a secret option: it signs with cookie-parser's secret (req.secret);
with neither, each request fails with "secret option required for sessions"; twin of
session_secret.js."""

import warnings

from expresspy import express, session
from expresspy.middleware import cookie_parser

app = express()


def counter(req, res):
    req.session.views = (req.session.views or 0) + 1
    res.json({"views": req.session.views})


with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)  # express-session's deprecation, said once
    p_session = session(name="p.sid", resave=False, save_uninitialized=False, cookie={"path": "/p"})
    n_session = session(name="n.sid", resave=False, save_uninitialized=False, cookie={"path": "/n"})

app.use("/p", cookie_parser("parser-secret"))
app.use("/p", p_session)
app.get("/p/count", counter)

app.use("/n", n_session)
app.get("/n/count", counter)


def on_error(err, req, res, next):
    res.status(500).json({"error": str(err)})


app.use(on_error)
