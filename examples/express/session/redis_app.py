"""Express's examples/session/redis.js, in Python: the same page with its sessions in Redis.

The file is not called redis.py: with the example's folder on sys.path, that name would hide
the redis package itself. connect-redis needs `require('connect-redis')(session)`;
expresspy's RedisStore ships in expresspy.session (the `redis` extra) and takes a URL. It
keeps connect-redis's key layout, so this app and the Node original can share one login.
The view counter is index.py's handler, imported rather than written out a second time.

    expresspy run examples/express/session/redis_app.py   # needs redis-server on :6379
"""

import os

from index import index as count_views

from expresspy import express, session
from expresspy.middleware import logger
from expresspy.session import RedisStore

app = express()

app.use(logger("dev"))

# Populates req.session
app.use(
    session(
        resave=False,  # don't save session if unmodified
        save_uninitialized=False,  # don't create session until something stored
        secret="keyboard cat",
        store=RedisStore(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")),
    )
)

app.get("/", count_views)

if __name__ == "__main__":
    app.listen(3000)
    print("Express app started on port 3000")
