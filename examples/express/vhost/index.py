"""Express's examples/vhost, in Python.

The original takes its `vhost(hostname, handle)` middleware from the vhost package; there is
no such package here, so `vhost` is written below, inside the example, following that
package: `*` in the pattern matches one DNS label, the match is case-insensitive against the
Host header without its port, and `req.vhost` holds the wildcard matches by index (plus
`.host` and `.hostname`). The package calls `handle(req, res, next)`; an expresspy app is
not such a function, so `vhost` mounts `handle` behind a host check in a small app of its
own, and the check leaves that app with `next("router")` when the host does not match.

    edit /etc/hosts:

    127.0.0.1       foo.example.com
    127.0.0.1       bar.example.com
    127.0.0.1       example.com
"""

import re

from expresspy import express

# The vhost middleware (what `require('vhost')` provides in the original)


class VhostData(list):
    """`req.vhost`: the wildcard matches by index, and the `host` and `hostname` matched."""

    host = hostname = ""


def host_regexp(hostname):
    """`*.example.com` → ^([^.]+)\\.example\\.com$, ignoring case."""
    source = re.escape(hostname).replace(r"\*", r"([^.]+)")
    return re.compile("^" + source + "$", re.IGNORECASE)


def hostname_of(req):
    """The Host header without its port (an IPv6 literal keeps its brackets)."""
    host = req.get("Host")
    if not host:
        return None
    offset = host.index("]") + 1 if host.startswith("[") and "]" in host else 0
    colon = host.find(":", offset)
    return host if colon == -1 else host[:colon]


def vhost(hostname, handle):
    regexp = host_regexp(hostname)

    def match_host(req, res, next):
        name = hostname_of(req)
        found = regexp.match(name) if name else None
        if not found:
            return next("router")  # another host: leave this app, go on with the next
        data = VhostData(found.groups())
        data.host, data.hostname = req.get("Host"), name
        req.vhost = data
        next()

    host_app = express()
    host_app.use(match_host, handle)
    return host_app


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
        print(list(req.vhost))
    res.redirect("http://example.com:3000/" + req.vhost[0])


redirect.use(to_main)


# Vhost app

app = express()

app.use(vhost("*.example.com", redirect))  # Serves all subdomains via Redirect app
app.use(vhost("example.com", main))  # Serves top level domain via Main server app

if __name__ == "__main__":
    app.listen(3000)
    print("Express started on port 3000")
