"""express-rate-limit 7 with its memory store: the limit reached, each standardHeaders draft,
legacy headers off, custom message/status/handler, skip, skipSuccessfulRequests and
skipFailedRequests, a limit function, req.rateLimit; twin of rate_limit.js."""

from datetime import datetime

from expresspy import express
from expresspy.middleware import rate_limit


def key_generator(req):
    return req.get("x-client") or "anonymous"


def limiter(**options):
    return rate_limit({"windowMs": 60 * 1000, "limit": 2, "keyGenerator": key_generator}, **options)


def ok(req, res):
    res.send("ok")


def outcome(req, res):
    status = req.query.get("status") or "200"
    res.status(int(status)).send(f"status {status}")


def handler(req, res, next, options):
    info = req.rate_limit
    res.status(options.statusCode).json(
        {"limit": info.limit, "used": info.used, "remaining": info.remaining, "custom": True}
    )


def info(req, res):
    got = req.rateLimit
    res.json(
        {
            "limit": got["limit"],
            "used": got["used"],
            "remaining": got["remaining"],
            "hasReset": isinstance(got.reset_time, datetime),
        }
    )


app = express()
app.get("/basic", limiter(), ok)
app.get("/draft6", limiter(standard_headers=True, legacy_headers=False), ok)
app.get("/draft7", limiter(standard_headers="draft-7", legacy_headers=False), ok)
app.get("/draft8", limiter(standard_headers="draft-8", legacy_headers=False), ok)
app.get(
    "/draft8-named",
    rate_limit(
        window=2 * 60 * 60,
        limit=2,
        key_generator=key_generator,
        standard_headers="draft-8",
        legacy_headers=False,
        identifier="api",
    ),
    ok,
)
app.get("/no-headers", limiter(legacy_headers=False), ok)
app.get("/legacy-max", rate_limit({"max": 1, "headers": False, "keyGenerator": key_generator}), ok)
app.get("/json-message", limiter(message={"error": "slow down"}, status_code=503), ok)
app.get("/fn-message", limiter(message=lambda req, res: f"no more for {req.get('x-client')}"), ok)
app.get("/handler", limiter(handler=handler), ok)
app.get("/skip", limiter(skip=lambda req: req.query.get("free") == "1"), ok)
app.get("/skip-ok", limiter(skip_successful_requests=True), outcome)
app.get("/skip-failed", limiter(skip_failed_requests=True), outcome)
app.get("/limit-fn", limiter(limit=lambda req: int(req.get("x-limit"))), ok)
app.get("/info", limiter(limit=3), info)
# The default key: the client's IP (draft-8's pk is a hash of the key, so it shows the key).
app.get("/by-ip", rate_limit(limit=1, standard_headers="draft-8", legacy_headers=False), ok)
