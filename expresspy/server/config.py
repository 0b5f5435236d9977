"""Server settings: one dataclass holding every limit and timeout, with its precedent.

Each limit is a dataclass field whose ``metadata`` carries the help text shown by the CLI
(``help``), the precedent the default follows (``precedent``) and, for settings the CLI exposes
as a flag, the flag name (``cli``). The CLI options and the limits table in docs/server.md are
generated from these fields, so the default, the flag and the documentation cannot drift apart.

Units: every duration is in seconds (float), every size in bytes (int). ``None`` disables an
optional limit.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from dataclasses import dataclass, field
from typing import Any, Literal

from .loops import EventLoopName, resolve_loop

__all__ = ["HTTP_BACKENDS", "LimitInfo", "ServerConfig", "limit_fields"]

LifespanMode = Literal["auto", "on", "off"]
HttpBackend = Literal["auto", "h11", "httptools"]
HTTP_BACKENDS: tuple[str, ...] = ("auto", "h11", "httptools")
"""The values of ``ServerConfig.http`` (also the choices of ``expresspy run --http``)."""


def _limit(default: Any, cli: str, help: str, precedent: str) -> Any:
    """Declare a limit field: its default plus the CLI flag, help and precedent as metadata."""
    return field(default=default, metadata={"cli": cli, "help": help, "precedent": precedent})


@dataclass(frozen=True)
class ServerConfig:
    """Where the built-in server listens, and every limit and timeout it enforces.

    Durations are seconds, sizes are bytes; ``None`` turns an optional limit off. The instance is
    immutable; use ``dataclasses.replace(config, port=8080)`` to derive a variant. Invalid
    combinations (a certificate without a key, a negative limit) raise ``ValueError`` at
    construction, with a message saying what to change.
    """

    host: str = "127.0.0.1"
    """Interface to bind. ``"0.0.0.0"`` listens on every IPv4 interface."""
    port: int = 3000
    """TCP port; 0 asks the OS for a free one (read it back from ``Server.port``)."""
    uds: str | None = None
    """Path of a Unix domain socket to listen on instead of host/port (for nginx in front)."""

    backlog: int = _limit(2048, "--backlog", "Listen queue length.", "uvicorn and gunicorn: 2048")
    max_request_line: int = _limit(
        8190,
        "--max-request-line",
        "Longest request line in bytes; longer gets 414 and a close.",
        "gunicorn's ceiling for limit_request_line, aiohttp max_line_size: 8190",
    )
    max_header_bytes: int = _limit(
        16384,
        "--max-header-bytes",
        "Largest request head (request line + headers) in bytes; larger gets 431 and a close.",
        "Node maxHeaderSize and h11's buffer: 16 KiB (counted by us, whatever the read size)",
    )
    max_header_count: int = _limit(
        100,
        "--max-header-count",
        "Most header fields in one request; more gets 431 and a close.",
        "gunicorn limit_request_fields and CPython http.client: 100",
    )
    header_timeout: float = _limit(
        30.0,
        "--header-timeout",
        "Seconds to receive a whole request head, from its first byte (or from connect); "
        "then 408 and a close (slowloris).",
        "nginx client_header_timeout and Node headersTimeout 60 s, hypercorn 5 s; 30 s between",
    )
    body_idle_timeout: float = _limit(
        60.0,
        "--body-idle-timeout",
        "Seconds the server waits between two reads of a request body; then 408 and a close.",
        "nginx client_body_timeout: 60 s between reads",
    )
    request_timeout: float = _limit(
        300.0,
        "--request-timeout",
        "Seconds to receive a whole request (head and body); then 408 and a close.",
        "Node requestTimeout: 300 s",
    )
    keep_alive_timeout: float = _limit(
        5.0,
        "--keep-alive-timeout",
        "Seconds an idle keep-alive connection stays open between requests. Set it above "
        "the idle timeout of a load balancer in front.",
        "uvicorn timeout_keep_alive, hypercorn, Node up to v25: 5 s",
    )
    max_requests_per_connection: int | None = _limit(
        1000,
        "--max-requests-per-connection",
        "Requests served on one connection; the last response says Connection: close.",
        "nginx keepalive_requests and hypercorn keep_alive_max_requests: 1000",
    )
    max_body_size: int | None = _limit(
        None,
        "--max-body-size",
        "Server-wide cap on a request body in bytes; larger gets 413 (without a 100 "
        "Continue) and a close. Off by default: the body parsers carry their own limits.",
        "off in uvicorn, gunicorn and Node; nginx client_max_body_size: 1 MiB",
    )
    max_connections: int | None = _limit(
        None,
        "--max-connections",
        "Concurrent connections; a connection beyond it gets 503 and a close.",
        "uvicorn limit_concurrency (off by default) answers 503; gunicorn worker_connections",
    )
    ws_max_message_size: int | None = _limit(
        16 * 1024 * 1024,
        "--ws-max-message-size",
        "Largest WebSocket message in bytes (all its fragments); larger closes the socket "
        "with 1009 (Message Too Big).",
        "uvicorn ws_max_size and websockets max_size: 16 MiB (Node ws maxPayload: 100 MiB)",
    )
    ws_ping_interval: float | None = _limit(
        20.0,
        "--ws-ping-interval",
        "Seconds between the keep-alive pings the server sends on an idle WebSocket.",
        "uvicorn ws_ping_interval and websockets ping_interval: 20 s",
    )
    ws_ping_timeout: float = _limit(
        20.0,
        "--ws-ping-timeout",
        "Seconds to wait for the pong answering a keep-alive ping; then the socket is closed "
        "with 1011.",
        "uvicorn ws_ping_timeout and websockets ping_timeout: 20 s",
    )
    ws_close_timeout: float = _limit(
        10.0,
        "--ws-close-timeout",
        "Seconds to wait for the client's answer to a close frame before dropping the socket.",
        "websockets close_timeout: 10 s (Node ws: 30 s)",
    )
    graceful_timeout: float = _limit(
        30.0,
        "--graceful-timeout",
        "Seconds in-flight requests get to finish after SIGTERM/SIGINT before they are cancelled.",
        "gunicorn graceful_timeout: 30 s",
    )
    flow_high_water: int = _limit(
        65536,
        "--flow-high-water",
        "Bytes buffered per connection, each way, before reading pauses or the app's send() "
        "waits for the client.",
        "uvicorn's flow control: 64 KiB",
    )
    write_timeout: float = _limit(
        60.0,
        "--write-timeout",
        "Seconds a connection may go without the client reading anything while a response "
        "waits to be sent (its write buffer is over flow_high_water); then it is closed.",
        "nginx send_timeout: 60 s between two successful writes",
    )
    max_chunk_line: int = _limit(
        4096,
        "--max-chunk-line",
        "Longest chunk-size line (with extensions) of a chunked body; longer gets 400.",
        "RFC 9112 §7.1.1 asks servers to limit chunk extensions (4 KiB: security.md H-18)",
    )
    min_chunk_average: int | None = _limit(
        64,
        "--min-chunk-average",
        "Smallest average chunk size in bytes of a chunked request body past its first 1,024 "
        "chunks; smaller gets 400 and a close (each chunk costs the server the same work, "
        "however small).",
        "none in nginx, Node or uvicorn; Go's net/http bounds chunk overhead against data "
        "(CVE-2023-39326) but lets 1-byte chunks through",
    )

    access_log: bool = True
    """Log one line per response on the ``expresspy.access`` logger (INFO)."""
    certfile: str | None = None
    """PEM certificate chain; with ``keyfile`` the server speaks TLS (scope scheme ``https``)."""
    keyfile: str | None = None
    """PEM private key matching ``certfile``."""
    root_path: str = ""
    """ASGI ``root_path`` passed to the app (the mount point when behind a path-prefix proxy)."""
    ws_per_message_deflate: bool = True
    """Accept the permessage-deflate extension when a WebSocket client offers it (RFC 7692),
    as Node ws and uvicorn do."""
    ws_allowed_origins: tuple[str, ...] | None = None
    """When set, a WebSocket upgrade whose ``Origin`` is not one of these (``"https://a.b"``,
    scheme and host as browsers send it) gets 403: browsers send cookies with cross-site
    WebSocket upgrades, so an app authenticating sockets by session cookie should set it (or
    check ``req.get("origin")`` in a middleware). ``None`` accepts any origin, as Node ws."""
    lifespan: LifespanMode = "auto"
    """``auto``: run the lifespan protocol, carry on if the app does not support it;
    ``on``: a failing lifespan startup stops the server; ``off``: never send lifespan."""
    date_header: bool = True
    """Add ``Date`` to responses that lack one (RFC 9110 §6.6.1 requires it of origin servers)."""
    keep_alive_header: bool = True
    """Add ``Connection: keep-alive`` and ``Keep-Alive: timeout=N`` as Node's http does."""
    http: HttpBackend = "auto"
    """Request parser: ``h11``, ``httptools`` (llhttp, several times faster; needs ``pip install
    'expresspy[speed]'``) or ``auto`` (httptools when installed, else h11). Both apply the same
    strict checks and answer bad input alike (docs/server.md, "Protocol back-ends")."""
    loop: EventLoopName = "asyncio"
    """Event loop: ``asyncio`` (the default), ``uvloop`` (needs ``pip install
    'expresspy[speed]'``) or ``auto`` (uvloop when installed); see ``expresspy.server.loops``."""

    native: bool = True
    """Call an app that offers the server's native interface (``serve_native``; expresspy's
    apps do) once per request without ASGI messages; ``False`` serves every app through ASGI
    (``expresspy.server.types.NativeApp``, docs/server.md). The response bytes are the same."""

    def __post_init__(self) -> None:
        if (self.certfile is None) != (self.keyfile is None):
            raise ValueError("TLS needs both certfile and keyfile; pass both or neither")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, not {self.port}")
        for info in limit_fields():
            value = getattr(self, info.name)
            if value is not None and value <= 0:
                raise ValueError(
                    f"{info.name} must be positive (or None where optional), not {value!r}"
                )
        if self.http not in HTTP_BACKENDS:
            raise ValueError(f"http must be one of {', '.join(HTTP_BACKENDS)}, not {self.http!r}")
        if self.http == "httptools" and importlib.util.find_spec("httptools") is None:
            raise ValueError(
                "http='httptools' needs the httptools package: pip install 'expresspy[speed]'"
            )
        resolve_loop(self.loop)  # an unknown name, or uvloop missing, fails here
        if self.max_request_line > self.max_header_bytes:
            raise ValueError("max_request_line cannot exceed max_header_bytes")

    @property
    def is_tls(self) -> bool:
        """True when a certificate and key are configured."""
        return self.certfile is not None

    @property
    def address(self) -> str:
        """The TCP address to listen on, as a person writes it (``127.0.0.1:3000``)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def display_url(self) -> str:
        """Where the server listens, as a person reads it (``http://127.0.0.1:3000``)."""
        if self.uds is not None:
            return f"unix:{self.uds}"
        scheme = "https" if self.is_tls else "http"
        return f"{scheme}://{self.address}"


@dataclass(frozen=True)
class LimitInfo:
    """One limit of ServerConfig described as data: for CLI flags and the docs table."""

    name: str
    cli: str
    default: Any
    type: Any
    help: str
    precedent: str


def limit_fields() -> list[LimitInfo]:
    """Every limit/timeout field of ServerConfig, in declaration order."""
    out: list[LimitInfo] = []
    for f in dataclasses.fields(ServerConfig):
        if "cli" in f.metadata:
            out.append(
                LimitInfo(
                    name=f.name,
                    cli=f.metadata["cli"],
                    default=f.default,
                    type=f.type,
                    help=f.metadata["help"],
                    precedent=f.metadata["precedent"],
                )
            )
    return out
