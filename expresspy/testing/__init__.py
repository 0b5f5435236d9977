"""Test tooling for expresspy apps: a supertest-style client and its pytest plugin.

::

    from expresspy.testing import request, agent

    def test_home():
        request(app).get("/").expect(200).expect("Content-Type", re.compile("html"))

Any ASGI 3 app works, not only expresspy's. See docs/testing.md.
"""

from expresspy.testing.assertions import (
    should_have_body,
    should_have_header,
    should_not_have_body,
    should_not_have_header,
)
from expresspy.testing.client import (
    DEFAULT_TIMEOUT,
    AsyncTest,
    Client,
    Test,
    agent,
    async_agent,
    async_request,
    close_all,
    request,
)
from expresspy.testing.cookiejar import Cookie, CookieJar
from expresspy.testing.headers import Headers
from expresspy.testing.response import TestResponse

__all__ = [
    "DEFAULT_TIMEOUT",
    "AsyncTest",
    "Client",
    "Cookie",
    "CookieJar",
    "Headers",
    "Test",
    "TestResponse",
    "agent",
    "async_agent",
    "async_request",
    "close_all",
    "request",
    "should_have_body",
    "should_have_header",
    "should_not_have_body",
    "should_not_have_header",
]
