"""What travels between the test client and a transport: one request, one response."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class RawRequest:
    """A request ready to go out: ``target`` is the path and query exactly as sent."""

    method: str
    target: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def with_host(self, host: str) -> RawRequest:
        """This request with a ``Host`` header, unless it already names one."""
        if any(name.lower() == "host" for name, _ in self.headers):
            return self
        return RawRequest(self.method, self.target, [("Host", host), *self.headers], self.body)


@dataclass(frozen=True)
class RawResponse:
    """A complete response as it came back, before any parsing."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


class Transport(Protocol):
    """Carries one request to the app and brings its response back.

    ``exchange`` always runs on the client's background event loop (see ``_loop``), so an
    in-process app sees one loop for its whole life whatever thread the test runs in.
    """

    #: The host name (no port) cookies are matched against.
    host: str

    async def exchange(self, request: RawRequest) -> RawResponse:
        """Send ``request`` (adding ``Host`` when it has none) and return the whole response."""
        ...

    async def close(self) -> None:
        """Release what the transport holds (lifespan, listening server)."""
        ...
