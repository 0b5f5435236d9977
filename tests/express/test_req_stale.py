"""Port of Express 5 test/req.stale.js."""

from __future__ import annotations

from expresspy.testing import request

from .test_req_fresh import app_with_etag


def test_req__stale__should_return_false_when_the_resource_is_not_modified() -> None:
    request(app_with_etag('"12345"', "stale")).get("/").set("If-None-Match", '"12345"').expect(304)


def test_req__stale__should_return_true_when_the_resource_is_modified() -> None:
    request(app_with_etag('"123"', "stale")).get("/").set("If-None-Match", '"12345"').expect(
        200, "true"
    )


def test_req__stale__should_return_true_without_response_headers() -> None:
    request(app_with_etag(None, "stale")).get("/").expect(200, "true")
