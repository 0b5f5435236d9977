"""examples/chat without a browser: the upgrade is refused over HTTP without a session (401)
and from another site's page (403), on the built-in server and uvicorn."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Origin

from tests.acceptance.serving import ExpresspyRun


@pytest.fixture(params=["expresspy", "uvicorn"])
def chat(request: pytest.FixtureRequest) -> Iterator[ExpresspyRun]:
    with ExpresspyRun(
        "examples/chat/app.py", server=request.param, env={"EXPRESSPY_ENV": "development"}
    ) as server:
        yield server


def sign_in(chat: ExpresspyRun, name: str) -> str:
    opener = urllib.request.build_opener(NoRedirect)
    body = urllib.parse.urlencode({"name": name}).encode()
    try:
        opener.open(chat.url + "/login", data=body, timeout=10)
    except urllib.error.HTTPError as err:
        assert err.code == 302
        return str(err.headers["Set-Cookie"]).split(";", 1)[0]
    raise AssertionError("no redirect after signing in")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def test_the_socket_needs_a_session_and_our_origin(chat: ExpresspyRun) -> None:
    url = chat.url.replace("http", "ws") + "/live"
    with pytest.raises(InvalidStatus) as refused:
        connect(url, open_timeout=10)
    assert refused.value.response.status_code == 401
    cookie = sign_in(chat, "bob")
    with pytest.raises(InvalidStatus) as cross_site:
        connect(
            url,
            origin=Origin("http://evil.example"),
            additional_headers={"Cookie": cookie},
            open_timeout=10,
        )
    assert cross_site.value.response.status_code == 403
    with connect(
        url, origin=Origin(chat.url), additional_headers={"Cookie": cookie}, open_timeout=10
    ) as ws:
        assert ws.recv(timeout=10) == '{"system": "bob joined"}'
        ws.send("hi")
        assert ws.recv(timeout=10) == '{"user": "bob", "text": "hi"}'
