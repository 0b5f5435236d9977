"""The event loop under the server: asyncio by default, uvloop on request (``--loop``).

The protocol, limit and back-pressure modules also run whole on uvloop (the ``backend``
fixture's ``httptools+uvloop`` run); these tests cover choosing the loop.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from expresspy.server import ServerConfig
from expresspy.server.loops import resolve_loop

from .proc import expresspy
from .rawhttp import exchange

APP = """
import asyncio

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = type(asyncio.get_running_loop()).__module__.encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})
"""

HAVE_UVLOOP = importlib.util.find_spec("uvloop") is not None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("asyncio", "asyncio"),
        ("uvloop", "uvloop"),
        ("auto", "uvloop" if HAVE_UVLOOP else "asyncio"),
    ],
)
def test_resolve_loop(name: str, expected: str) -> None:
    assert resolve_loop(name) == expected


def test_an_unknown_loop_is_refused() -> None:
    with pytest.raises(ValueError, match="loop must be one of asyncio, uvloop, auto, not 'tokio'"):
        ServerConfig(loop="tokio")  # type: ignore[arg-type]


def test_the_default_is_asyncio() -> None:
    assert ServerConfig().loop == "asyncio"


@pytest.mark.parametrize(
    ("flag", "module"),
    [
        ([], "asyncio"),
        (["--loop", "asyncio"], "asyncio"),
        (["--loop", "uvloop"], "uvloop"),
        (["--loop", "uvloop", "--workers", "2"], "uvloop"),
    ],
)
def test_run_serves_on_the_chosen_loop(tmp_path: Path, flag: list[str], module: str) -> None:
    (tmp_path / "app.py").write_text(APP)
    with expresspy(["run", "app.py", "--port", "0", *flag], tmp_path) as proc:
        proc.url()
        responses, _ = exchange(
            proc.port(), b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
        )
    assert [r.body.decode().split(".")[0] for r in responses] == [module]
