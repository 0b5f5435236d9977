"""The WebSocket opening handshake (RFC 6455 section 4.2), sans-IO: is a request head an
upgrade, is it acceptable, and the bytes of the server's answer.

Nothing here touches a socket; ``server.websocket`` does. The checks and their answers follow
RFC 6455 and Node ws's `WebSocketServer.handleUpgrade` (a wrong key is 400, an unsupported
version 426 with the version we speak, a refused origin 403).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from .wire import date_value, status_line

__all__ = [
    "WS_MISSING",
    "HandshakeRefusal",
    "accept_response",
    "check_handshake",
    "header_tokens",
    "http_response",
    "is_websocket_upgrade",
    "offered_subprotocols",
    "wsproto_available",
]

WS_MISSING = "WebSocket support needs wsproto: pip install 'expresspy[ws]'"

#: RFC 6455 section 1.3: appended to the client's key before hashing.
_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

Headers = Sequence[tuple[bytes, bytes]]


@dataclass(frozen=True)
class HandshakeRefusal:
    """Why an upgrade is refused: the status, a reason for the body, extra header lines."""

    status: int
    reason: str
    headers: tuple[tuple[bytes, bytes], ...] = ()


def header_tokens(headers: Headers, name: bytes) -> list[bytes]:
    """The comma-separated tokens of every `name` header, lower-cased and stripped."""
    tokens: list[bytes] = []
    for key, value in headers:
        if key == name:
            tokens.extend(t.strip().lower() for t in value.split(b",") if t.strip())
    return tokens


def is_websocket_upgrade(method: bytes, http_version: str, headers: Headers) -> bool:
    """Whether a request asks to become a WebSocket: a GET over HTTP/1.1 with `Upgrade:
    websocket` and `Connection: upgrade` (other requests are plain HTTP to the app)."""
    return (
        method == b"GET"
        and http_version == "1.1"
        and b"websocket" in header_tokens(headers, b"upgrade")
        and b"upgrade" in header_tokens(headers, b"connection")
    )


def _values(headers: Headers, name: bytes) -> list[bytes]:
    return [value for key, value in headers if key == name]


def check_handshake(
    headers: Headers, allowed_origins: Sequence[str] | None
) -> HandshakeRefusal | bytes:
    """The client's key when the upgrade is acceptable, else why not."""
    versions = _values(headers, b"sec-websocket-version")
    if versions != [b"13"]:
        # RFC 6455 4.4: answer 426 and name the versions we speak.
        return HandshakeRefusal(
            426,
            "Unsupported Sec-WebSocket-Version (13 is supported)",
            ((b"sec-websocket-version", b"13"),),
        )
    keys = _values(headers, b"sec-websocket-key")
    if len(keys) != 1 or not _valid_key(keys[0].strip()):
        return HandshakeRefusal(400, "Missing or invalid Sec-WebSocket-Key header")
    if allowed_origins is not None:
        origins = _values(headers, b"origin")
        origin = origins[0].decode("latin-1") if len(origins) == 1 else None
        if origin not in allowed_origins:
            return HandshakeRefusal(403, "Origin not allowed")
    return keys[0].strip()


def _valid_key(key: bytes) -> bool:
    """RFC 6455 4.1: the key is 16 random bytes, base64-encoded (24 characters)."""
    if len(key) != 24:
        return False
    try:
        return len(base64.b64decode(key, validate=True)) == 16
    except (binascii.Error, ValueError):
        return False


def offered_subprotocols(headers: Headers) -> list[str]:
    """The subprotocols the client offers, in its order (Sec-WebSocket-Protocol)."""
    offered: list[str] = []
    for value in _values(headers, b"sec-websocket-protocol"):
        offered.extend(t.strip().decode("latin-1") for t in value.split(b",") if t.strip())
    return offered


def accept_response(
    key: bytes, subprotocol: str | None, extensions: str | None, extra: Headers = ()
) -> bytes:
    """The 101 Switching Protocols answer completing the handshake for `key`."""
    token = base64.b64encode(hashlib.sha1(key + _GUID, usedforsecurity=False).digest())
    lines = [
        status_line(101),
        b"upgrade: websocket\r\n",
        b"connection: Upgrade\r\n",
        b"sec-websocket-accept: %b\r\n" % token,
    ]
    if subprotocol:
        lines.append(b"sec-websocket-protocol: %b\r\n" % subprotocol.encode("latin-1"))
    if extensions:
        lines.append(b"sec-websocket-extensions: %b\r\n" % extensions.encode("latin-1"))
    lines.extend(
        _header_line(name, value) for name, value in extra if name.lower() not in _OWN_HEADERS
    )
    lines.append(b"\r\n")
    return b"".join(lines)


def http_response(status: int, headers: Headers, body: bytes) -> bytes:
    """A complete HTTP response refusing an upgrade (the app's own, or the server's), sent
    with Content-Length and `Connection: close`."""
    lines = [status_line(status)]
    lines.extend(
        _header_line(name, value)
        for name, value in headers
        if name.lower() not in (b"content-length", b"connection", b"transfer-encoding")
    )
    lines.append(b"content-length: %d\r\nconnection: close\r\n" % len(body))
    if not any(name.lower() == b"date" for name, _ in headers):
        lines.append(b"date: %b\r\n" % date_value())
    lines.append(b"\r\n")
    return b"".join(lines) + body


_OWN_HEADERS = frozenset(
    {
        b"upgrade",
        b"connection",
        b"sec-websocket-accept",
        b"sec-websocket-protocol",
        b"sec-websocket-extensions",
    }
)


def _header_line(name: bytes, value: bytes) -> bytes:
    if any(c in value for c in b"\r\n\0") or any(c in name for c in b"\r\n\0: "):
        raise ValueError(f"invalid header from the app: {name!r}")
    return name + b": " + value + b"\r\n"


def wsproto_available() -> bool:
    """Whether the `ws` extra (wsproto) can be imported."""
    try:
        import wsproto  # noqa: F401
    except ImportError:
        return False
    return True
