"""Response checks for ``.expect(fn)``, as Express's own test/support/utils.js offers them.

They let a ported Express test keep its shape::

    request(app).get("/").expect(should_not_have_header("ETag")).expect(200)
"""

from __future__ import annotations

from collections.abc import Callable

from expresspy.testing.response import TestResponse

Check = Callable[[TestResponse], None]


def should_have_body(expected: bytes) -> Check:
    """The body is exactly ``expected``, byte for byte (compared as hex, as Express does)."""

    def check(response: TestResponse) -> None:
        assert response.content, "response has body"
        assert response.content.hex() == expected.hex(), (
            f"expected body {expected!r}, got {response.content!r}"
        )

    return check


def should_not_have_body() -> Check:
    """The body is empty."""

    def check(response: TestResponse) -> None:
        assert response.content == b"", f"expected no body, got {response.content!r}"

    return check


def should_have_header(name: str) -> Check:
    """The response has header ``name`` (any value)."""

    def check(response: TestResponse) -> None:
        assert name in response.headers, f"should have header {name}"

    return check


def should_not_have_header(name: str) -> Check:
    """The response does not have header ``name``."""

    def check(response: TestResponse) -> None:
        assert name not in response.headers, f"should not have header {name}"

    return check
