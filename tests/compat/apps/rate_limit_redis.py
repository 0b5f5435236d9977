"""express-rate-limit with rate-limit-redis: one counter per client in Redis; twin of
rate_limit_redis.js (the interop test gives both one COMPAT_REDIS_PREFIX)."""

import os

from expresspy import express
from expresspy.middleware import rate_limit
from expresspy.middleware.rate_limit import RedisStore

PREFIX = os.environ.get("COMPAT_REDIS_PREFIX") or f"compat-rl-{os.getpid()}:"

app = express()
app.use(
    rate_limit(
        window_ms=60 * 1000,
        limit=3,
        standard_headers="draft-7",
        legacy_headers=False,
        key_generator=lambda req: req.get("x-client") or "anonymous",
        store=RedisStore("redis://127.0.0.1:6379/0", prefix=PREFIX),
    )
)


@app.get("/hit")
def hit(req, res):
    res.json(
        {"runtime": "expresspy", "used": req.rate_limit.used, "remaining": req.rate_limit.remaining}
    )
