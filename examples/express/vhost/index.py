"""Express's examples/vhost, in Python.

`vhost(hostname, handle)` is expresspy's counterpart of the vhost package
(`require('vhost')`): `*` in the pattern matches one DNS label, the match ignores case and the
Host header's port, and `req.vhost[0]` is what the first `*` matched.

    edit /etc/hosts:

    127.0.0.1       foo.example.com
    127.0.0.1       bar.example.com
    127.0.0.1       example.com
"""

from expresspy import express
from expresspy.middleware import vhost

# Main server app

main = express()
silent = main.get("env") == "test"  # the original's `module.parent` check

if not silent:
    from expresspy.middleware import logger

    main.use(logger("dev"))


@main.get("/")
def hello(req, res):
    res.send("Hello from main app!")


@main.get("/:sub")
def requested(req, res):
    res.send("requested " + req.params["sub"])


# Redirect app

redirect = express()


def to_main(req, res):
    if not silent:
        print(req.vhost)
    res.redirect("http://example.com:3000/" + req.vhost[0])


redirect.use(to_main)


# Vhost app

app = express()

app.use(vhost("*.example.com", redirect))  # Serves all subdomains via Redirect app
app.use(vhost("example.com", main))  # Serves top level domain via Main server app

if __name__ == "__main__":
    app.listen(3000)
    print("Express started on port 3000")
