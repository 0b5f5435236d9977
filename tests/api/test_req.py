"""req: addresses and trust proxy, host names, protocol, xhr, freshness, ranges, is_, get.

Expected values were recorded from Express 5.3 for the same requests (see test docstrings).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from expresspy import express
from expresspy.testing import request

from .helpers import app_with, json_of

pytestmark = pytest.mark.usefixtures("server_path")  # native and ASGI

PROPERTIES = (
    "ip",
    "ips",
    "protocol",
    "secure",
    "hostname",
    "host",
    "subdomains",
    "xhr",
    "fresh",
    "stale",
)


def properties(req: Any) -> dict[str, Any]:
    return {name: getattr(req, name) for name in PROPERTIES}


def test_untrusted_proxy_headers_are_ignored_over_a_real_socket() -> None:
    """Express answers {"ip":"127.0.0.1","ips":[],"protocol":"http",...,
    "subdomains":["ferrets","tobi"]}."""
    app = app_with(json_of(properties))
    response = (
        request(app, server=True)
        .get("/")
        .set(
            {
                "Host": "tobi.ferrets.example.com:3000",
                "X-Requested-With": "XmlHttpRequest",
                "X-Forwarded-For": "1.2.3.4",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-Host": "evil.com",
            }
        )
        .expect(200)
    )
    assert response.body == {
        "ip": "127.0.0.1",
        "ips": [],
        "protocol": "http",
        "secure": False,
        "hostname": "tobi.ferrets.example.com",
        "host": "tobi.ferrets.example.com:3000",
        "subdomains": ["ferrets", "tobi"],
        "xhr": True,
        "fresh": False,
        "stale": True,
    }


def test_trusted_loopback_proxy_gives_forwarded_values() -> None:
    """Express with trust proxy "loopback": ip 2.2.2.2, ips [2.2.2.2, 127.0.0.2], protocol
    "HTTPS" (kept as sent), host "b.example.com:8080"."""
    app = app_with(json_of(properties), trust_proxy="loopback")
    response = (
        request(app, server=True)
        .get("/")
        .set(
            {
                "Host": "a.example.com",
                "X-Forwarded-Host": "b.example.com:8080, c.com",
                "X-Forwarded-For": "1.1.1.1, 2.2.2.2, 127.0.0.2",
                "X-Forwarded-Proto": "HTTPS, http",
            }
        )
        .expect(200)
    )
    body = response.body
    assert (
        body["ip"],
        body["ips"],
        body["protocol"],
        body["secure"],
        body["host"],
        body["hostname"],
    ) == (
        "2.2.2.2",
        ["2.2.2.2", "127.0.0.2"],
        "HTTPS",
        False,
        "b.example.com:8080",
        "b.example.com",
    )


def test_hop_count_trust_takes_the_nth_address() -> None:
    app = app_with(json_of(lambda req: [req.ip, req.ips]), trust_proxy=2)
    request(app).get("/").set("X-Forwarded-For", "6.6.6.6, 1.2.3.4, 10.0.0.1").expect(
        200, ["1.2.3.4", ["1.2.3.4", "10.0.0.1"]]
    )


def test_ips_skip_empty_forwarded_entries() -> None:
    app = app_with(json_of(lambda req: req.ips), trust_proxy=True)
    request(app).get("/").set("X-Forwarded-For", "1.1.1.1,, 2.2.2.2 ,").expect(
        200, ["1.1.1.1", "2.2.2.2"]
    )


@pytest.mark.parametrize(
    "host,hostname,subdomains",
    [
        ("[::1]:3000", "[::1]", []),
        ("127.0.0.1:80", "127.0.0.1", []),
        ("a.b.c.example.com", "a.b.c.example.com", ["c", "b", "a"]),
        ("example.com", "example.com", []),
    ],
)
def test_hostname_and_subdomains(host: str, hostname: str, subdomains: list[str]) -> None:
    app = app_with(json_of(lambda req: [req.hostname, req.subdomains]))
    request(app).get("/").set("Host", host).expect(200, [hostname, subdomains])


def test_subdomain_offset_setting() -> None:
    app = app_with(json_of(lambda req: req.subdomains), subdomain_offset=3)
    request(app).get("/").set("Host", "tobi.ferrets.sub.example.com").expect(
        200, ["ferrets", "tobi"]
    )


def test_https_scheme_makes_req_secure() -> None:
    app = express()

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        await app({**scope, "scheme": "https"}, receive, send)

    app.get("/", json_of(lambda req: [req.protocol, req.secure]))
    request(asgi).get("/").expect(200, ["https", True])


@pytest.mark.parametrize(
    "headers,fresh",
    [
        ({"If-None-Match": '"abc"'}, True),
        ({"If-None-Match": 'W/"abc"'}, True),
        ({"If-None-Match": '"other"'}, False),
        ({"If-None-Match": '"abc"', "Cache-Control": "no-cache"}, False),
        ({}, False),
    ],
)
def test_fresh_compares_with_the_response_etag(headers: dict[str, str], fresh: bool) -> None:
    def handler(req: Any, res: Any) -> None:
        res.set("ETag", '"abc"')
        res.set("X-Fresh", [req.fresh, req.stale]).end()  # end() never answers 304 itself

    request(app_with(handler)).get("/").set(headers).expect(
        "X-Fresh", f"{str(fresh).lower()}, {str(not fresh).lower()}"
    ).expect(200)


def test_fresh_is_false_for_post_and_errors() -> None:
    def handler(req: Any, res: Any) -> None:
        res.set("ETag", '"abc"')
        res.status(int(req.query["status"])).json(req.fresh)

    app = app_with(handler, method="all")
    request(app).post("/?status=200").set("If-None-Match", '"abc"').expect(200, "false")
    request(app).get("/?status=404").set("If-None-Match", '"abc"').expect(404, "false")
    request(app).get("/?status=304").set("If-None-Match", '"abc"').expect(304)


def test_range_parses_and_combines() -> None:
    """Express: `req.range(100, {combine: true})` for bytes=0-10,5-20,50- gives
    [{start:0,end:20},{start:50,end:99}] with type "bytes"."""

    def handler(req: Any, res: Any) -> None:
        ranges = req.range(100, combine=True)
        res.json([ranges.type, [[r.start, r["end"]] for r in ranges]])

    request(app_with(handler)).get("/").set("Range", "bytes=0-10,5-20,50-").expect(
        200, ["bytes", [[0, 20], [50, 99]]]
    )


@pytest.mark.parametrize(
    "header,expected", [(None, "none"), ("bytes=200-", "-1"), ("bytes", "-2"), ("bytes=a-1", "-2")]
)
def test_range_special_results(header: str | None, expected: str) -> None:
    app = app_with(
        lambda req, res: res.send(str(req.range(100) if req.range(100) is not None else "none"))
    )
    test = request(app).get("/")
    if header:
        test = test.set("Range", header)
    test.expect(200, expected)


def test_is_reads_the_content_type_of_a_request_with_a_body() -> None:
    def handler(req: Any, res: Any) -> None:
        res.json(
            [
                req.is_("json"),
                req.is_(["html", "application/*"]),
                req.is_("+json"),
                req.is_(),
                getattr(req, "is")("urlencoded"),
            ]
        )

    app = app_with(handler, method="post")
    request(app).post("/").set("Content-Type", "application/vnd.api+json; charset=utf-8").send(
        "{}"
    ).expect(
        200,
        [
            False,
            "application/vnd.api+json",
            "application/vnd.api+json",
            "application/vnd.api+json",
            False,
        ],
    )


def test_is_is_none_without_a_body() -> None:
    app = app_with(lambda req, res: res.json(req.is_("json")))
    request(app).get("/").set("Content-Type", "application/json").expect(200, "null")


def test_accepts_family_with_q_values() -> None:
    def handler(req: Any, res: Any) -> None:
        res.json(
            [
                req.accepts("json", "html"),
                req.accepts(),
                req.accepts_encodings("gzip"),
                req.acceptsLanguages(["fr", "en"]),
                req.accepts_charsets("utf-8"),
            ]
        )

    request(app_with(handler)).get("/").set(
        {
            "Accept": "text/html;q=0.5, application/json",
            "Accept-Encoding": "gzip;q=0",
            "Accept-Language": "en-US, fr;q=0.8",
            "Accept-Charset": "iso-8859-1",
        }
    ).expect(200, ["json", ["application/json", "text/html"], False, "en", False])


def test_get_is_case_insensitive_and_treats_referrer_as_referer() -> None:
    app = app_with(
        json_of(
            lambda req: [
                req.get("CONTENT-type"),
                req.get("Referrer"),
                req.header("referer"),
                req.get("x-missing"),
            ]
        )
    )
    request(app).post("/").set({"Content-Type": "text/plain", "Referer": "http://a/"}).send(
        "x"
    ).expect(404)
    request(app).get("/").set({"Content-Type": "text/plain", "Referer": "http://a/"}).expect(
        200, ["text/plain", "http://a/", "http://a/", None]
    )


@pytest.mark.parametrize(
    "name,message",
    [
        ("", "name argument is required to req.get"),
        (None, "name argument is required to req.get"),
        (42, "name must be a string to req.get"),
    ],
)
def test_get_validates_its_argument(name: Any, message: str) -> None:
    def handler(req: Any, res: Any) -> None:
        try:
            req.get(name)
        except TypeError as exc:
            res.send(str(exc))

    request(app_with(handler)).get("/").expect(200, message)


def test_next_is_the_running_handlers_next() -> None:
    app = express()
    app.get("/", lambda req, res: req.next())
    app.get("/", lambda req, res: res.send("second"))
    request(app).get("/").expect(200, "second")


def test_aborted_is_set_when_the_client_leaves_during_the_body() -> None:
    seen: list[Any] = []

    async def handler(req: Any, res: Any) -> None:
        try:
            await req.read()
        except Exception as exc:
            seen.append((req.aborted, getattr(exc, "status", None)))
            res.status(400).send("x")

    app = app_with(handler, method="post")
    messages: list[dict[str, Any]] = []

    async def gone() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "headers": [(b"content-length", b"4")],
        "client": ("1.2.3.4", 5),
    }
    asyncio.run(asyncio.wait_for(app(scope, gone, send), 5))
    assert seen == [(True, 400)]
    assert [m.get("status") for m in messages] == [400, None]
