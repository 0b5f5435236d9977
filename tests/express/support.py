"""Shared pieces of the request/response ports: Express's test/support and test/fixtures.

``tmpl`` is the Python twin of Express's test/support/tmpl.js, the tiny engine its view tests
register: ``$name`` and ``$user.name`` are replaced by the values of the render options.
"""

from __future__ import annotations

import contextvars
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from expresspy import express
from expresspy.testing import request

# Node's AsyncLocalStorage is Python's contextvars: middleware sets it, callbacks read it.
STORE: contextvars.ContextVar[dict[str, str]] = contextvars.ContextVar("store")
FIXTURES = Path(__file__).resolve().parent / "fixtures"
VARIABLE = re.compile(r"\$([0-9a-zA-Z.]+)")


class RenderError(Exception):
    """What tmpl.js names its errors: a variable that cannot be looked up."""


def _lookup(data: Any, dotted: str) -> str:
    value = data
    for part in dotted.split("."):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return str(value)


def tmpl(path: str, options: dict[str, Any], callback: Callable[..., Any]) -> None:
    """Render ``path`` by replacing ``$variables``; errors go to ``callback`` as tmpl.js does."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        callback(err)
        return
    try:
        html = VARIABLE.sub(lambda m: _lookup(options, m.group(1)), text)
    except (KeyError, AttributeError, TypeError) as err:
        callback(RenderError(str(err)))
        return
    callback(None, html)


def create_app(views: Any = None, **locals_: Any) -> Any:
    """Express's ``createApp`` of its view tests: ``.tmpl`` renders with ``tmpl``."""
    app = express()
    app.engine(".tmpl", tmpl)
    if views is not None:
        app.set("views", views)
    app.locals.update(locals_)
    return app


def rendered(app: Any, name: str, *options: Any) -> tuple[Any, Any]:
    """``app.render(name, *options, callback)``: the callback's ``(err, html)``, called once."""
    calls: list[tuple[Any, Any]] = []
    app.render(name, *options, lambda err, html=None: calls.append((err, html)))
    assert len(calls) == 1, f"the callback ran {len(calls)} times"
    return calls[0]


def app_calling(method: str, *args: Any) -> Any:
    """An app whose every request runs ``res.<method>(*args)`` (Express's ``createApp``)."""
    return app_with(lambda req, res: getattr(res, method)(*args))


def after(count: int, timeout: float = 5.0) -> Callable[..., None]:
    """The ``after`` package: a callback to call ``count`` times; ``.wait()`` blocks until then.

    Each call's first argument, when not None, is recorded as an error and fails ``wait``.
    """
    done = threading.Semaphore(0)
    errors: list[Any] = []

    def callback(err: Any = None, *rest: Any) -> None:
        if err is not None:
            errors.append(err)
        done.release()

    def wait() -> None:
        for _ in range(count):
            assert done.acquire(timeout=timeout), "a callback was not called in time"
        assert not errors, f"callback got errors: {errors!r}"

    callback.wait = wait  # type: ignore[attr-defined]
    return callback


def store_foo_bar(req: Any, res: Any, next: Any) -> None:
    """Middleware: ``STORE`` is {"foo": "bar"} for the rest of the request."""
    STORE.set({"foo": "bar"})
    next()


def reporting_status(res: Any) -> Callable[[Any], Any]:
    """A send_file/download callback answering "got <status> error" or "no error"."""
    return lambda err: res.send(f"got {err.status} error" if err else "no error")


def hostless(attribute: str) -> Callable[[Any], str]:
    """Express's ``req.headers.host = null; String(req.<attribute>)``."""

    def value_of(req: Any) -> str:
        req.headers["host"] = None
        return str(getattr(req, attribute))

    return value_of


def forwarded_host(
    value_of: Callable[[Any], Any],
    trust: Any,
    forwarded: str | None,
    host: str = "localhost",
    answer: Callable[..., Any] | None = None,
) -> Any:
    """GET / with Host and X-Forwarded-Host, answered by ``answer`` (default ``ending``)
    with ``value_of(req)``; ``trust`` is the "trust proxy" setting (None: not set)."""
    answer = answer or ending
    app = answer(value_of) if trust is None else answer(value_of, trust_proxy=trust)
    test = request(app).get("/").set("Host", host)
    return test if forwarded is None else test.set("X-Forwarded-Host", forwarded)


def app_with(*handlers: Callable[..., Any], **settings: Any) -> Any:
    """An app with ``settings`` (``trust_proxy`` is "trust proxy") running ``handlers``."""
    app = express()
    for name, value in settings.items():
        app.set(name.replace("_", " "), value)
    for handler in handlers:
        app.use(handler)
    return app


def then_next(action: Callable[[Any, Any], Any]) -> Callable[[Any, Any, Any], None]:
    """A middleware that runs ``action(req, res)`` and calls ``next()``."""

    def middleware(req: Any, res: Any, next: Any) -> None:
        action(req, res)
        next()

    return middleware


def header_values(name: str, values: list[str]) -> Callable[[Any], None]:
    """An expectation: the response sent ``name`` once per value, in this order."""

    def check(response: Any) -> None:
        assert response.headers.get_all(name) == values

    return check


def ending(value_of: Callable[[Any], Any], **settings: Any) -> Any:
    """An app answering every request with ``res.end(value_of(req))``."""
    return app_with(lambda req, res: res.end(value_of(req)), **settings)


def sending(value_of: Callable[[Any], Any], **settings: Any) -> Any:
    """An app answering every request with ``res.send(value_of(req))``."""
    return app_with(lambda req, res: res.send(value_of(req)), **settings)


def extension_serves(
    kind: str,
    name: str,
    handler: Callable[..., Any],
    first: Any,
    second: Any = None,
    *,
    mount: bool = True,
    app1_path: str = "/",
    expect: list[tuple[int, str, int, Any]],
) -> None:
    """Express's app.request/app.response cases: ``app1.<kind>.<name> = first`` (and app2's
    ``= second``), app2 mounted at /sub of app1 unless ``mount`` is False; app1 serves
    ``handler`` at ``app1_path`` and app2 at "/". ``expect`` lists (1 or 2: the app asked,
    url, status, body).
    """
    apps = [express(), express()]
    for app, value in zip(apps, (first, second), strict=True):
        if value is not None:
            setattr(getattr(app, kind), name, value)
    if mount:
        apps[0].use("/sub", apps[1])
    apps[0].get(app1_path, handler)
    apps[1].get("/", handler)
    for which, url, status, body in expect:
        request(apps[which - 1]).get(url).expect(status, body)


def store_persists(method: str, path: str, *expectations: tuple[Any, ...]) -> None:
    """res.<method>(path, callback) after ``store_foo_bar``: the response meets
    ``expectations`` and the callback runs without error and sees the store."""
    cb = after(1)

    def check_store(err: Any) -> None:
        seen = STORE.get(None)
        cb(err or (None if seen == {"foo": "bar"} else f"store is {seen!r}"))

    test = request(
        app_with(store_foo_bar, lambda req, res: getattr(res, method)(path, check_store))
    ).get("/")
    for expectation in expectations:
        test.expect(*expectation)
    cb.wait()  # type: ignore[attr-defined]


def store_persists_on_error(method: str, path: str) -> None:
    """res.<method>(missing path, callback): the callback sees the store and a 404."""

    def handler(req: Any, res: Any) -> None:
        def callback(err: Any) -> None:
            local = STORE.get(None)
            if local:
                res.set_header("x-store-foo", str(local["foo"]))
            reporting_status(res)(err)

        getattr(res, method)(path, callback)

    request(app_with(store_foo_bar, handler)).get("/").expect(200).expect(
        "x-store-foo", "bar"
    ).expect("got 404 error")
