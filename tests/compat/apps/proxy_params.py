"""trust proxy in its forms (sub-apps each with their own setting), the extended query parser,
app.param (once per value, altering req.params) and next("route"); twin of proxy_params.js."""

from expresspy import express
from expresspy.errors import HTTPError

app = express()


def client(req, res):
    res.json(
        {
            "ip": req.ip,
            "ips": req.ips,
            "protocol": req.protocol,
            "secure": req.secure,
            "host": req.host,
            "hostname": req.hostname,
            "subdomains": req.subdomains,
        }
    )


TRUSTING = {
    "none": False,
    "all": True,
    "hop1": 1,
    "loopback": "loopback",
    "cidr": "10.0.0.0/8, 127.0.0.1/32",
    "list": ["uniquelocal", "loopback"],
}
for name, value in TRUSTING.items():
    sub = express()
    sub.set("trust proxy", value)
    sub.get("/", client)
    app.use("/trust-" + name, sub)
inherits = express()
inherits.get("/", client)
parent = express()
parent.set("trust proxy", "loopback")
parent.use("/child", inherits)
app.use("/inherit", parent)

extended = express()
extended.set("query parser", "extended")
extended.get("/", lambda req, res: res.json(req.query))
app.use("/qx", extended)
app.get("/qs", lambda req, res: res.json(req.query))

calls = 0


@app.param("user")
def load_user(req, res, next, value, name):
    global calls
    calls += 1
    if value == "nobody":
        return next("route")
    if value == "boom":
        return next(HTTPError(404, "no such user"))
    req.params["user"] = value.upper()
    next()


@app.get("/user/:user")
def first(req, res, next):
    res.set("X-First", req.params["user"])
    next()


@app.get("/user/:user")
def second(req, res):
    res.json({"user": req.params["user"], "calls": calls})


@app.get("/user/nobody")
def nobody(req, res):
    res.send("no user route")


@app.get("/calls/reset")
def reset(req, res):
    global calls
    calls = 0
    res.send("reset")
