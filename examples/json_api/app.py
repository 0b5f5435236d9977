"""A JSON API: one Router per resource, express.json(), 400s for invalid bodies, JSON errors.

    expresspy run examples/json_api/app.py
    curl -X POST localhost:3000/api/authors -H 'Content-Type: application/json' \\
         -d '{"name": "Ursula K. Le Guin"}'
    curl -X POST localhost:3000/api/books -H 'Content-Type: application/json' \\
         -d '{"title": "The Dispossessed", "author_id": 1, "year": 1974}'

Every error is JSON: `{"error": message}` plus `details` (field -> problem) for a 400 from
validation. Server errors say only "internal error" and are logged with their traceback.
"""

import logging

import authors
import books

from expresspy import express

log = logging.getLogger("json_api")

app = express()
app.use(express.json())
app.use("/api/authors", authors.router)
app.use("/api/books", books.router)


def not_found(req, res):
    res.status(404).json({"error": f"no route for {req.method} {req.path}"})


def json_errors(err, req, res, next):
    """Every error as JSON, with the status the error carries (body-parser's 400/413 too)."""
    status = getattr(err, "status", None) or 500
    if status >= 500:
        log.error("%s %s failed", req.method, req.original_url, exc_info=err)
        return res.status(status).json({"error": "internal error"})
    body = {"error": str(getattr(err, "message", None) or err)}
    details = getattr(err, "details", None)
    if details:
        body["details"] = details
    res.status(status).json(body)


app.use(not_found)
app.use(json_errors)

if __name__ == "__main__":
    app.listen(3000)
