"""The helpers of express-session's test/session.js and test/support/, in Python.

``create_server(options, respond, setup=...)`` builds what the JavaScript's ``createServer``
builds: an app whose only middleware is ``session()`` (with the suite's defaults: secret
``"keyboard cat"``, ``cookie.maxAge`` one minute), an optional setup step before it, a
responder after it, and an error handler that answers ``err.status or 500`` with the
message, as ``createRequestListener`` does. The ``should_*`` functions return checks for
``.expect(fn)``.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import unquote

from expresspy import express, session
from expresspy.response import js_string
from expresspy.session.store import call_store
from expresspy.testing import TestResponse

MIN = 60 * 1000

Check = Callable[[TestResponse], None]
Handler = Callable[..., Any]


def end(req: Any, res: Any) -> None:
    """The default responder: an empty 200."""
    res.end()


def create_session(options: dict[str, Any] | None = None) -> Any:
    """session() with the suite's defaults for the options the test leaves out."""
    opts = dict(options or {})
    opts.setdefault("cookie", {"maxAge": MIN})
    opts.setdefault("secret", "keyboard cat")
    return session(opts)


def create_server(
    options: dict[str, Any] | None = None,
    respond: Handler | None = None,
    *,
    setup: Handler | None = None,
    trust_proxy: bool = False,
) -> Any:
    """The app of ``createServer([setup,] options, respond)``."""
    app = express()
    if trust_proxy:
        app.set("trust proxy", True)
    if setup is not None:
        run_setup = setup

        def setup_layer(req: Any, res: Any, next: Callable[..., Any]) -> None:
            run_setup(req, res)
            next()

        app.use(setup_layer)
    app.use(create_session(options))
    app.use(respond or end)

    def on_error(err: Any, req: Any, res: Any, next: Callable[..., Any]) -> None:
        res.status_code = getattr(err, "status", None) or 500
        res.end(str(err))

    app.use(on_error)
    return app


def secure_from_header(req: Any, res: Any) -> None:
    """The suite's ``req.secure = JSON.parse(req.headers['x-secure'])``.

    ``req.secure`` is derived in expresspy (from the connection and trusted proxy headers), so
    the step sets what it is derived from: the app trusts the proxy, and ``X-Secure: true``
    becomes ``X-Forwarded-Proto: https`` (any other value, or none, makes it plain HTTP).
    """
    raw = req.headers.get("x-secure")
    req.headers.pop("x-forwarded-proto", None)
    if raw is not None and json.loads(raw) is True:
        req.headers["x-forwarded-proto"] = "https"


def respond_secure(req: Any, res: Any) -> None:
    """The suite's ``res.end(String(req.secure))``."""
    res.end(js_string(req.secure))


def secure_server(options: dict[str, Any]) -> Any:
    """``createServer(setup, options, respond)`` with the X-Secure setup and responder."""
    return create_server(options, respond_secure, setup=secure_from_header, trust_proxy=True)


def run(work: Coroutine[Any, Any, Any]) -> Any:
    """Run a store call from the (synchronous) test body."""
    return asyncio.run(work)


def store_call(method: Callable[..., Any], *args: Any) -> Any:
    """Call a store method, plain or async, from the test body."""
    return run(call_store(method, *args))


# -- reading responses (test/session.js's cookie(), sid(), expires()) --------------------------


def cookie(res: TestResponse) -> str:
    """The first Set-Cookie of a response, sent back whole as a Cookie header (as the suite)."""
    values = res.headers.get_all("set-cookie")
    assert values, "should have a cookie header"
    return values[0]


def parse_set_cookie(header: str) -> dict[str, Any]:
    """test/support/utils.js's parseSetCookie: name, value and lower-cased attributes."""
    pattern = r"\s*([^=;]+)(?:=([^;]*);?|;|$)"
    pairs = [(m.group(1), m.group(2)) for m in re.finditer(pattern, header)]
    name, value = pairs[0]
    data: dict[str, Any] = {"name": name, "value": value}
    for key, val in pairs[1:]:
        data[key.lower()] = val or True
    return data


def sid(res: TestResponse) -> str | None:
    """The session id in a response's session cookie."""
    values = res.headers.get_all("set-cookie")
    if not values:
        return None
    value = unquote(parse_set_cookie(values[0])["value"])
    return value[2 : value.index(".")] or None


def expires(res: TestResponse) -> str | None:
    """The Expires attribute of a response's session cookie."""
    values = res.headers.get_all("set-cookie")
    return parse_set_cookie(values[0]).get("expires") if values else None


# -- checks for .expect(fn) -----------------------------------------------------------------


def should_not_have_header(header: str) -> Check:
    def check(res: TestResponse) -> None:
        assert header.lower() not in res.headers, f"should not have {header} header"

    return check


def _cookie_data(res: TestResponse, name: str) -> dict[str, Any]:
    data = parse_set_cookie(cookie(res))
    assert data["name"] == name, f"should set cookie {name}"
    return data


def should_set_cookie(name: str) -> Check:
    def check(res: TestResponse) -> None:
        _cookie_data(res, name)

    return check


def should_set_cookie_to_value(name: str, value: str) -> Check:
    def check(res: TestResponse) -> None:
        assert _cookie_data(res, name)["value"] == value, f"should set cookie {name} to {value}"

    return check


def should_set_cookie_to_different_session_id(previous: str | None) -> Check:
    def check(res: TestResponse) -> None:
        assert sid(res) != previous

    return check


def should_set_cookie_with_attribute(name: str, attribute: str) -> Check:
    def check(res: TestResponse) -> None:
        assert attribute.lower() in _cookie_data(res, name), f"should have {attribute}"

    return check


def should_set_cookie_with_attribute_and_value(name: str, attribute: str, value: str) -> Check:
    def check(res: TestResponse) -> None:
        data = _cookie_data(res, name)
        assert data.get(attribute.lower()) == value, f"should set {attribute} to {value}"

    return check


def should_set_cookie_without_attribute(name: str, attribute: str) -> Check:
    def check(res: TestResponse) -> None:
        assert attribute.lower() not in _cookie_data(res, name), f"should not have {attribute}"

    return check


def should_set_cookie_to_expire_in(name: str, delta_ms: int) -> Check:
    from email.utils import parsedate_to_datetime

    def check(res: TestResponse) -> None:
        data = _cookie_data(res, name)
        assert "expires" in data, "should set cookie with attribute Expires"
        date = res.headers.get("date")
        assert date, "should have a date header"
        delta = parsedate_to_datetime(data["expires"]) - parsedate_to_datetime(date)
        assert delta.total_seconds() * 1000 == delta_ms, f"should expire in {delta_ms} ms"

    return check


def _count_sets(store: Any, delay: float) -> list[int]:
    """Wrap the store's writes (the real ones still run) and count those that completed.

    expresspy writes through ``merge`` when the store has one (it never re-creates a
    destroyed session), else through ``set``; both count as express-session's ``set``.
    """
    count = [0]
    original_set, original_merge = store.set, getattr(store, "merge", None)

    async def counting_set(sid: str, sess: dict[str, Any]) -> None:
        if delay:
            await asyncio.sleep(delay)
        await call_store(original_set, sid, sess)
        count[0] += 1

    async def counting_merge(sid: str, patch: Any) -> bool:
        if delay:
            await asyncio.sleep(delay)
        assert original_merge is not None  # installed only then
        written: bool = await call_store(original_merge, sid, patch)
        count[0] += written
        return written

    store.set = counting_set
    if original_merge is not None:
        store.merge = counting_merge
    return count


def should_set_session_in_store(store: Any, delay: float = 0.0) -> Check:
    """Exactly one completed write by the time the client has the response.

    Call it before the request is sent: it wraps ``store.set`` at once. With ``delay``
    (seconds) each write first waits, so the check shows the response waited for the save.
    """
    count = _count_sets(store, delay)

    def check(res: TestResponse) -> None:
        assert count[0] == 1, "should set session in store"

    return check


def should_not_set_session_in_store(store: Any) -> Check:
    """No write at all (call it before the request is sent)."""
    count = _count_sets(store, 0.0)

    def check(res: TestResponse) -> None:
        assert count[0] == 0, "should not set session in store"

    return check
