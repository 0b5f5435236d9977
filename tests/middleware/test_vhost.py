"""vhost(): the vhost package's behaviour (3.0.2), over real HTTP.

The expected answers are what vhost 3.0.2 under Express 5 gives for the same patterns and Host
headers (checked side by side with Node; the two agreed on 360 of 360 pattern and host pairs,
`res.json(req.vhost)` included). Requests go over a socket to a real server, so the Host
header is exactly the one written here, or absent.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from expresspy import Router, express
from expresspy.middleware import vhost
from expresspy.middleware.vhost import Vhost, host_pattern
from expresspy.server.background import BackgroundServer


def _dump(req: Any, res: Any) -> None:
    """Answer with `req.vhost` as JSON, and its groups in order (None for a missing one)."""
    res.json({"vhost": req.vhost, "groups": list(req.vhost)})


PATTERNS: dict[str, str | re.Pattern[str]] = {
    "/exact": "example.com",
    "/star": "*.example.com",
    "/stars": "*.*.example.com",
    "/any": "*",
    "/plus": "a+b.com",
    "/regex": re.compile(r"(foo|bar)\.com"),
    "/either": re.compile(r"foo|bar"),
    "/optional": re.compile(r"ex(a)?mple\.com"),
    "/anchored": re.compile(r"^(.*)\.example\.com$"),
    "/flags": re.compile(r"(?x) ( [a-z]+ ) \. test"),
}


def _app() -> Any:
    app = express()
    for path, pattern in PATTERNS.items():
        app.use(path, vhost(pattern, _dump))

    sub = express()
    sub.get("/", lambda req, res: res.json({"same_app": req.app is sub, "parent": sub.parent}))
    app.use("/app", vhost("*.example.com", sub))

    router = Router()
    router.get("/", lambda req, res: res.send("router " + req.vhost[0]))
    app.use("/router", vhost("*.example.com", router))

    async def passes(req: Any, res: Any, next: Any) -> None:
        res.set("X-Vhost", req.vhost.hostname)
        next()

    app.use("/next", vhost("example.com", passes), lambda req, res: res.send("after"))

    def fails(req: Any, res: Any, next: Any) -> None:
        raise ValueError("from " + req.vhost.hostname)

    app.use("/error", vhost("example.com", fails))
    app.get("/unset", lambda req, res: res.json({"vhost": req.vhost}))
    app.use(lambda req, res: res.status(404).send("next"))
    app.use(lambda err, req, res, next: res.status(500).send(str(err)))
    return app


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    """The port of a real server running `_app()` for this module's tests."""
    with BackgroundServer(_app()) as server:
        yield server.port


def _get(port: int, path: str, host: str | None) -> tuple[int, str, str]:
    """An HTTP/1.0 GET (so the Host header may be left out): status, X-Vhost header, body."""
    head = f"GET {path} HTTP/1.0\r\n" + (f"Host: {host}\r\n" if host is not None else "")
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall((head + "\r\n").encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    header_block, _, body = data.decode().partition("\r\n\r\n")
    lines = header_block.split("\r\n")
    headers = {name.lower(): value for name, value in (line.split(": ", 1) for line in lines[1:])}
    return int(lines[0].split(" ")[1]), headers.get("x-vhost", ""), body


def _vhost(port: int, path: str, host: str | None) -> Any:
    """The JSON `req.vhost` a request got, or None when the vhost passed it on."""
    status, _, body = _get(port, path, host)
    return json.loads(body) if status == 200 else None


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("example.com", {"host": "example.com", "hostname": "example.com", "length": 0}),
        ("EXAMPLE.COM", {"host": "EXAMPLE.COM", "hostname": "EXAMPLE.COM", "length": 0}),
        (
            "example.com:3000",
            {"host": "example.com:3000", "hostname": "example.com", "length": 0},
        ),
        ("foo.example.com", None),
        ("exampleXcom", None),  # the dot is a dot, not any character
        ("example.com.", None),
        (None, None),  # no Host header: passed on
    ],
)
def test_a_name_matches_the_whole_host_name_ignoring_case_and_port(
    port: int, host: str | None, expected: dict[str, Any] | None
) -> None:
    found = _vhost(port, "/exact", host)
    assert (found and found["vhost"]) == expected


@pytest.mark.parametrize(
    ("path", "host", "groups"),
    [
        ("/star", "foo.example.com", ["foo"]),
        ("/star", "Foo.Example.Com:8080", ["Foo"]),
        ("/star", "a.b.example.com", None),  # `*` is one label
        ("/star", "example.com", None),
        ("/stars", "a.b.example.com", ["a", "b"]),
        ("/any", "localhost:80", ["localhost"]),
        ("/any", "[::1]:3000", ["[::1]"]),  # an IPv6 literal keeps its brackets
        ("/any", ":80", None),  # an empty host name
        ("/plus", "a+b.com", []),
        ("/plus", "aab.com", None),
    ],
)
def test_each_star_matches_one_label(
    port: int, path: str, host: str, groups: list[str] | None
) -> None:
    found = _vhost(port, path, host)
    assert (found["groups"] if found else None) == groups


@pytest.mark.parametrize(
    ("path", "host", "groups"),
    [
        ("/regex", "foo.com", ["foo"]),
        ("/regex", "BAR.COM", ["BAR"]),
        ("/regex", "xfoo.com", None),  # anchored at the start...
        ("/regex", "foo.comx", None),  # ...and at the end
        ("/either", "foo.com", []),  # `^foo|bar$`: the anchors bind to the alternatives
        ("/either", "xbar", []),
        ("/either", "barx", None),
        ("/optional", "exmple.com", [None]),  # a group that took no part
        ("/anchored", "a.b.example.com", ["a.b"]),
        ("/flags", "abc.test", ["abc"]),  # global inline flags stay first
    ],
)
def test_a_regular_expression_is_anchored_and_ignores_case(
    port: int, path: str, host: str, groups: list[str | None] | None
) -> None:
    found = _vhost(port, path, host)
    assert (found["groups"] if found else None) == groups


def test_req_vhost_as_json_is_the_packages_object(port: int) -> None:
    assert _vhost(port, "/star", "foo.example.com:3000")["vhost"] == {
        "0": "foo",
        "host": "foo.example.com:3000",
        "hostname": "foo.example.com",
        "length": 1,
    }
    # JSON.stringify leaves out the undefined group
    assert _vhost(port, "/optional", "exmple.com")["vhost"] == {
        "host": "exmple.com",
        "hostname": "exmple.com",
        "length": 1,
    }


def test_an_app_runs_unmounted_with_req_app_set_to_it(port: int) -> None:
    assert _get(port, "/app", "foo.example.com") == (200, "", '{"same_app":true,"parent":null}')
    assert _get(port, "/app", "example.com") == (404, "", "next")
    assert _get(port, "/app/nothing-here", "foo.example.com") == (404, "", "next")


def test_a_router_runs_as_the_handle(port: int) -> None:
    assert _get(port, "/router", "bar.example.com") == (200, "", "router bar")


def test_next_from_the_handle_continues_after_the_vhost(port: int) -> None:
    assert _get(port, "/next", "example.com") == (200, "example.com", "after")
    assert _get(port, "/next", "other.com") == (200, "", "after")


def test_an_error_in_the_handle_reaches_the_error_handlers(port: int) -> None:
    assert _get(port, "/error", "example.com:3000") == (500, "", "from example.com")


def test_req_vhost_reads_none_until_a_vhost_sets_it(port: int) -> None:
    assert _vhost(port, "/unset", "example.com") == {"vhost": None}


def test_vhost_data_reads_by_index_and_by_name() -> None:
    data = Vhost("a.b.test:80", "a.b.test", ("a", "b"))
    assert (data[0], data["1"], data["host"], data["hostname"], data["length"]) == (
        "a",
        "b",
        "a.b.test:80",
        "a.b.test",
        2,
    )
    assert (len(data), data.length, list(data)) == (2, 2, ["a", "b"])
    with pytest.raises(KeyError):
        data["port"]


@pytest.mark.parametrize(
    ("source", "pattern"),
    [
        (r"a\$", r"^a\$$"),  # an escaped dollar does not anchor
        (r"a\\$", r"^a\\$"),  # an escaped backslash, then the anchor
        (r"^a$", r"^a$"),
    ],
)
def test_an_anchor_is_added_only_where_missing(source: str, pattern: str) -> None:
    assert host_pattern(re.compile(source)).pattern == pattern


@pytest.mark.parametrize(
    ("hostname", "handle", "message"),
    [
        ("", _dump, "argument hostname is required"),
        (42, _dump, "argument hostname must be a string or a compiled regular expression"),
        ("example.com", None, "argument handle is required"),
        ("example.com", "main", "argument handle must be a function"),
    ],
)
def test_bad_arguments_are_refused(hostname: Any, handle: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        vhost(hostname, handle)
