"""Several worker processes, one login: sessions in Redis, shared by every worker.

    expresspy run examples/multi_worker/app.py --workers 2

Each worker is a separate process with its own memory, so a MemoryStore would give each
worker its own sessions and a browser would seem to log in and out at random. RedisStore
keeps them in one place (REDIS_URL, default redis://127.0.0.1:6379/0); SQLiteStore would do
for one machine too. The page shows which worker (process id) answered and the session's
running count, which keeps climbing whichever worker serves the request.
"""

import os

from expresspy import express, session
from expresspy.session import RedisStore

app = express()
app.use(
    session(
        secret=os.environ.get("SESSION_SECRET", "change-me: a dev-only secret"),
        resave=False,
        save_uninitialized=False,
        store=RedisStore(
            os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            prefix=os.environ.get("SESSION_PREFIX", "sess:"),
        ),
    )
)


@app.get("/")
async def count(req, res):
    req.session.count = (req.session.count or 0) + 1
    res.json({"count": req.session.count, "worker": os.getpid()})
