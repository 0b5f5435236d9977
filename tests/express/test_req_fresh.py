"""Port of Express 5 test/req.fresh.js and test/req.stale.js's cases on freshness."""

from __future__ import annotations

from email.utils import formatdate
from typing import Any

from expresspy import express
from expresspy.testing import request


def app_with_etag(etag: str | None, attribute: str = "fresh") -> Any:
    app = express()
    app.disable("x-powered-by")

    def handler(req: Any, res: Any) -> None:
        if etag:
            res.set("ETag", etag)
        res.send(getattr(req, attribute))

    app.use(handler)
    return app


def test_req__fresh__should_return_true_when_the_resource_is_not_modified() -> None:
    request(app_with_etag('"12345"')).get("/").set("If-None-Match", '"12345"').expect(304)


def test_req__fresh__should_return_false_when_the_resource_is_modified() -> None:
    request(app_with_etag('"123"')).get("/").set("If-None-Match", '"12345"').expect(200, "false")


def test_req__fresh__should_return_false_without_response_headers() -> None:
    request(app_with_etag(None)).get("/").expect(200, "false")


def test_req__fresh__should_return_true_for_a_query_request_with_a_body_when_the_resource_is_not_modified() -> (
    None
):
    request(app_with_etag('"12345"')).method("QUERY", "/").set("If-None-Match", '"12345"').send(
        {"ids": ["a", "b"]}
    ).expect(304)


def test_req__fresh__should_return_false_for_a_query_request_with_a_body_when_the_resource_is_modified() -> (
    None
):
    request(app_with_etag('"123"')).method("QUERY", "/").set("If-None-Match", '"12345"').send(
        {"ids": ["a", "b"]}
    ).expect(200, "false")


def test_req__fresh__should_ignore_if_modified_since_when_if_none_match_is_present() -> None:
    app = express()
    app.disable("x-powered-by")

    def handler(req: Any, res: Any) -> None:
        res.set("Etag", '"FooBar"')
        res.set("Last-Modified", formatdate(usegmt=True))
        res.send(req.fresh)

    app.use(handler)
    request(app).get("/").set("If-Modified-Since", formatdate(0, usegmt=True)).set(
        "If-None-Match", '"FooBar"'
    ).expect(304)
