"""examples/multi_worker: `expresspy run --workers 2` with RedisStore shares one session.

Every request opens a new connection (http.client without keep-alive), so the kernel hands
them to either worker; the session's count must climb by one each time, whichever worker
answers, and both workers must have answered by the end.
"""

import http.client
import json
from typing import Any

import redis

from tests.acceptance.serving import ExpresspyRun


def get(port: int, cookie: str | None = None) -> tuple[Any, str | None]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(
            "GET", "/", headers={"Connection": "close", **({"Cookie": cookie} if cookie else {})}
        )
        response = conn.getresponse()
        body = json.loads(response.read())
        set_cookie = response.getheader("Set-Cookie")
    finally:
        conn.close()
    return body, set_cookie


def test_multi_worker__two_workers_share_one_session(redis_prefix: str) -> None:
    prefix = redis_prefix
    env = {"SESSION_PREFIX": prefix}
    with ExpresspyRun("examples/multi_worker/app.py", "--workers", "2", env=env) as server:
        body, set_cookie = get(server.port)
        assert body["count"] == 1
        assert set_cookie is not None
        cookie = set_cookie.split(";")[0]
        workers = {body["worker"]}
        for expected in range(2, 200):
            body, _ = get(server.port, cookie)
            assert body["count"] == expected, (expected, body)
            workers.add(body["worker"])
            if len(workers) == 2 and expected >= 20:
                break
        assert len(workers) == 2, f"one worker answered every request: {workers}"
    # One record for the one browser, in connect-redis's layout: prefix + session id.
    sid = cookie.removeprefix("connect.sid=s%3A").split(".")[0]
    client = redis.Redis(host="127.0.0.1", port=6379)
    assert [key.decode() for key in client.scan_iter(prefix + "*")] == [prefix + sid]
    record = client.get(prefix + sid)
    assert record is not None
    assert json.loads(record)["count"] == expected
    client.close()
