"""The site's own pages (site.js in the original)."""


def index(req, res):
    res.render("index", {"title": "Route Separation Example"})
