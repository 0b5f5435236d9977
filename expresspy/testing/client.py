"""supertest for Python: ``request(app)``, ``agent(app)`` and their async twins.

A synchronous ``Test`` sends its request at the first ``expect()``, ``end()`` or response
attribute, then checks each expectation as it is given. An ``AsyncTest`` keeps its
expectations until it is awaited, then sends and checks them in order.
"""

from __future__ import annotations

import atexit
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import urlsplit

from expresspy.http.methods import HTTP_METHODS
from expresspy.testing import _loop, expectations, transports
from expresspy.testing._wire import Transport
from expresspy.testing.builder import RequestBuilder
from expresspy.testing.cookiejar import CookieJar
from expresspy.testing.headers import Headers
from expresspy.testing.response import TestResponse

if TYPE_CHECKING:
    from typing_extensions import Self

#: How long a request may take before the test fails, in seconds (supertest relies on the
#: test runner's timeout; here a hung app fails its test instead of hanging the suite).
DEFAULT_TIMEOUT = 30.0

T = TypeVar("T", bound=RequestBuilder)


def _timeout_error(builder: RequestBuilder, seconds: float | None) -> AssertionError:
    return AssertionError(f"{builder.method} {builder.path}: no response within {seconds} s")


async def _await_response(builder: RequestBuilder) -> TestResponse:
    """Send ``builder``'s request once, from an async caller, and keep its response."""
    if builder._response is None:
        try:
            builder._response = await _loop.run_async(builder._perform(), builder._timeout)
        except TimeoutError:
            raise _timeout_error(builder, builder._timeout) from None
    return builder._response


class Test(RequestBuilder):
    """A synchronous request: described by chained calls, sent at the first ``expect()``."""

    __test__ = False  # not a pytest test class, despite the name

    def expect(self, a: Any, b: Any = expectations.MISSING) -> Self:
        """Check the response now (sending the request first if needed); see ``build``."""
        expectations.check_all(expectations.build(a, b), self.response)
        return self

    def end(self) -> TestResponse:
        """Send the request if not yet sent and return its response."""
        return self.response

    @property
    def response(self) -> TestResponse:
        """The response, sending the request on first use."""
        if self._response is None:
            try:
                self._response = _loop.run_sync(self._perform(), self._timeout)
            except TimeoutError:
                raise _timeout_error(self, self._timeout) from None
        return self._response

    def __await__(self) -> Generator[Any, None, TestResponse]:
        """``await request(app).get("/")`` sends without blocking the caller's loop."""
        return _await_response(self).__await__()

    # The response's fields, read through the test so ``r = a.get("/").expect(200)`` reads
    # naturally. ``type`` stays the request setter: read ``.response.type``.
    @property
    def status(self) -> int:
        """The response status."""
        return self.response.status

    @property
    def status_code(self) -> int:
        """The response status."""
        return self.response.status

    @property
    def headers(self) -> Headers:
        """The response headers."""
        return self.response.headers

    @property
    def text(self) -> str:
        """The response body as text."""
        return self.response.text

    @property
    def body(self) -> Any:
        """The parsed response body."""
        return self.response.body

    @property
    def content(self) -> bytes:
        """The response body as bytes."""
        return self.response.content

    @property
    def cookies(self) -> dict[str, str]:
        """The cookies the response sets."""
        return self.response.cookies


class AsyncTest(RequestBuilder):
    """An asynchronous request: expectations are kept, then checked when it is awaited."""

    __test__ = False

    def __init__(self, client: Client[Any], method: str, path: str) -> None:
        super().__init__(client, method, path)
        self._expectations: list[expectations.Expectation] = []

    def expect(self, a: Any, b: Any = expectations.MISSING) -> Self:
        """Add an expectation, checked in order once the test is awaited."""
        self._expectations.extend(expectations.build(a, b))
        return self

    async def end(self) -> TestResponse:
        """Send the request, check every expectation, return the response."""
        response = await _await_response(self)
        expectations.check_all(self._expectations, response)
        return response

    def __await__(self) -> Generator[Any, None, TestResponse]:
        """``await async_request(app).get("/").expect(200)``."""
        return self.end().__await__()


class Client(Generic[T]):
    """Makes requests against one app or server. ``request()``/``agent()`` build these.

    ``get/post/...`` exist for every method Node knows (``client.purge("/")`` too);
    ``method("NAME", path)`` takes any. An agent keeps a cookie jar and default headers.
    Requests are ``Test``s, or ``AsyncTest``s for the ``async_*`` clients.
    """

    def __init__(
        self,
        test_class: type[T],
        transport: Transport,
        *,
        jar: CookieJar | None = None,
        timeout: float | None,
    ) -> None:
        self.test_class = test_class
        self.transport = transport
        self.jar = jar
        self.timeout = timeout
        self.default_headers: dict[str, str] = {}

    def set(self, field: str, value: str) -> Self:
        """Set a header sent with every request this client makes (as ``agent.set``)."""
        self.default_headers[field] = value
        return self

    def cookie_header(self, target: str) -> str | None:
        """The Cookie header the jar has for ``target``, if this client keeps cookies."""
        if self.jar is None:
            return None
        return self.jar.header_for(self.transport.host, urlsplit(target).path or "/")

    def remember_cookies(self, headers: list[tuple[str, str]], target: str) -> None:
        """Keep the Set-Cookie values of a response, if this client keeps cookies."""
        if self.jar is None:
            return
        values = [value for name, value in headers if name.lower() == "set-cookie"]
        self.jar.store(values, self.transport.host, urlsplit(target).path or "/")

    def method(self, name: str, path: str) -> T:
        """A request with any method name (``"PURGE"``, ``"M-SEARCH"``)."""
        return self.test_class(self, name, path)

    def close(self) -> None:
        """Run the app's lifespan shutdown (or stop the server) now; later use restarts it."""
        _loop.run_sync(self.transport.close(), self.timeout)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Callable[[str], T]:
        # The rarer methods (purge, mkcol, ...) come from Node's list, as in supertest.
        method = name.replace("_", "-")
        if method in HTTP_METHODS:
            return lambda path: self.method(method, path)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def get(self, path: str) -> T:
        """A GET request."""
        return self.method("GET", path)

    def post(self, path: str) -> T:
        """A POST request."""
        return self.method("POST", path)

    def put(self, path: str) -> T:
        """A PUT request."""
        return self.method("PUT", path)

    def patch(self, path: str) -> T:
        """A PATCH request."""
        return self.method("PATCH", path)

    def delete(self, path: str) -> T:
        """A DELETE request (also ``del_``, supertest's ``del``)."""
        return self.method("DELETE", path)

    del_ = delete

    def head(self, path: str) -> T:
        """A HEAD request."""
        return self.method("HEAD", path)

    def options(self, path: str) -> T:
        """An OPTIONS request."""
        return self.method("OPTIONS", path)


def _transport(app: Any, server: bool) -> Transport:
    if isinstance(app, str):  # HTTPTransport refuses anything but an http:// URL at once
        return transports.HTTPTransport(app)
    if server:
        return transports.ServerTransport(app)
    return transports.asgi_transport(app)


def request(
    app: Any, *, server: bool = False, timeout: float | None = DEFAULT_TIMEOUT
) -> Client[Test]:
    """A client for ``app``, like supertest's ``request(app)``.

    ``app`` is an ASGI 3 callable, run in-process on one shared background loop (its lifespan
    starts before its first request); with ``server=True`` it is served by a real listening
    server on a free loopback port. A URL (``"http://127.0.0.1:8000"``) sends real HTTP to it;
    only ``http://`` URLs are supported (``ValueError`` otherwise).
    """
    return Client(Test, _transport(app, server), timeout=timeout)


def agent(
    app: Any, *, server: bool = False, timeout: float | None = DEFAULT_TIMEOUT
) -> Client[Test]:
    """Like ``request(app)``, and keeps cookies between requests (supertest's ``agent``)."""
    return Client(Test, _transport(app, server), jar=CookieJar(), timeout=timeout)


def async_request(
    app: Any, *, server: bool = False, timeout: float | None = DEFAULT_TIMEOUT
) -> Client[AsyncTest]:
    """``request(app)`` for ``async def`` tests: ``await async_request(app).get("/")``."""
    return Client(AsyncTest, _transport(app, server), timeout=timeout)


def async_agent(
    app: Any, *, server: bool = False, timeout: float | None = DEFAULT_TIMEOUT
) -> Client[AsyncTest]:
    """``agent(app)`` for ``async def`` tests."""
    return Client(AsyncTest, _transport(app, server), jar=CookieJar(), timeout=timeout)


def close_all() -> None:
    """Shut down every in-process app's lifespan and every test server started so far.

    The pytest plugin calls this after each test; outside pytest it runs at exit.
    """
    if transports.open_transports():
        _loop.run_sync(transports.close_all(), DEFAULT_TIMEOUT)


# Outside pytest (whose plugin closes after each test) lifespans still get their shutdown.
atexit.register(close_all)
