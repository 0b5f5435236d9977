"""`req.session.regenerate()` / `reload()` neither awaited nor given a callback: a
RuntimeWarning at the caller's line, and the operation still runs (expresspy/session/operation.py).
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from expresspy import express, session
from expresspy.session import MemoryStore
from expresspy.testing import request


@pytest.fixture
def caught() -> Iterator[list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        yield seen


def runtime_warnings(seen: list[warnings.WarningMessage]) -> list[tuple[str, int, str]]:
    return [
        (w.filename, w.lineno, str(w.message))
        for w in seen
        if issubclass(w.category, RuntimeWarning)
    ]


def app_with(handler: Any, store: MemoryStore) -> Any:
    app = express()
    app.use(session(secret="s" * 32, store=store, resave=False, save_uninitialized=True))
    app.get("/", lambda req, res: res.send(req.session.id))
    app.get("/login", handler)
    return app


def forgetful_def(req: Any, res: Any) -> None:
    req.session.regenerate()
    res.send("ok")


async def forgetful_async(req: Any, res: Any) -> None:
    req.session.reload()
    res.send("ok")


def line_of(fn: Any, text: str) -> int:
    lines, start = inspect.getsourcelines(fn)
    return start + next(i for i, line in enumerate(lines) if text in line)


@pytest.mark.parametrize(
    ("handler", "call"), [(forgetful_def, "regenerate"), (forgetful_async, "reload")]
)
def test_a_dropped_operation_warns_at_the_call_site_and_still_runs(
    caught: list[warnings.WarningMessage], handler: Any, call: str
) -> None:
    store = MemoryStore()
    agent = request(app_with(handler, store), server=True)
    first = agent.get("/").expect(200)
    sid = first.response.text
    cookie = first.response.header["set-cookie"].split(";", 1)[0]
    agent.get("/login").set("Cookie", cookie).expect(200, "ok")
    assert runtime_warnings(caught) == [
        (
            __file__,
            line_of(handler, f"req.session.{call}()"),
            f"req.session.{call}() was neither awaited nor given a callback: it runs in the "
            f"background and replaces req.session when it is done, so the code after it still "
            f"sees the old session. Write `await req.session.{call}()` in an async def handler, "
            f"`req.session.{call}().result()` in a plain def handler, or pass a callback: "
            f"`req.session.{call}(lambda err: ...)`",
        )
    ]
    if call == "regenerate":  # it ran anyway: the old record is gone
        assert sid not in store.sessions


async def awaited(req: Any, res: Any) -> None:
    await req.session.regenerate()
    res.send("ok")


def with_callback(req: Any, res: Any) -> None:
    req.session.regenerate(lambda err: res.send("ok"))


def with_result(req: Any, res: Any) -> None:
    req.session.reload().result(5)
    res.send("ok")


def saved_and_destroyed(req: Any, res: Any) -> None:
    req.session.save()  # fire and forget is fine for save and destroy, as in express-session
    req.session.destroy()
    res.send("ok")


@pytest.mark.parametrize("handler", [awaited, with_callback, with_result, saved_and_destroyed])
def test_awaited_called_back_or_fire_and_forget_save_do_not_warn(
    caught: list[warnings.WarningMessage], handler: Any
) -> None:
    agent = request(app_with(handler, MemoryStore()), server=True)
    cookie = agent.get("/").expect(200).response.header["set-cookie"].split(";", 1)[0]
    agent.get("/login").set("Cookie", cookie).expect(200, "ok")
    assert runtime_warnings(caught) == []
