"""A raw WebSocket client for byte-level tests: the handshake request, masked (or deliberately
unmasked) frames, and reading the server's frames back."""

from __future__ import annotations

import base64
import os
import socket
import struct
import time
from dataclasses import dataclass

KEY = b"dGhlIHNhbXBsZSBub25jZQ=="  # RFC 6455 section 1.3's sample key ...
ACCEPT = b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="  # ... and its accept token

TEXT, BINARY, CONTINUATION, CLOSE, PING, PONG = 0x1, 0x2, 0x0, 0x8, 0x9, 0xA


def handshake(
    path: str = "/",
    *,
    key: bytes | None = KEY,
    version: bytes | None = b"13",
    extra: list[tuple[bytes, bytes]] | None = None,
) -> bytes:
    """An upgrade request; None leaves a header out."""
    lines = [
        b"GET %b HTTP/1.1" % path.encode(),
        b"Host: 127.0.0.1",
        b"Upgrade: websocket",
        b"Connection: Upgrade",
    ]
    if key is not None:
        lines.append(b"Sec-WebSocket-Key: " + key)
    if version is not None:
        lines.append(b"Sec-WebSocket-Version: " + version)
    lines.extend(name + b": " + value for name, value in extra or [])
    return b"\r\n".join(lines) + b"\r\n\r\n"


def frame(
    opcode: int, payload: bytes, *, fin: bool = True, masked: bool = True, rsv1: bool = False
) -> bytes:
    """One client frame."""
    first = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    length = len(payload)
    mask_bit = 0x80 if masked else 0
    if length < 126:
        head = struct.pack("!BB", first, mask_bit | length)
    elif length < 65536:
        head = struct.pack("!BBH", first, mask_bit | 126, length)
    else:
        head = struct.pack("!BBQ", first, mask_bit | 127, length)
    if not masked:
        return head + payload
    mask = os.urandom(4)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def close_frame(code: int, reason: bytes = b"") -> bytes:
    return frame(CLOSE, struct.pack("!H", code) + reason)


@dataclass
class Frame:
    fin: bool
    rsv1: bool
    opcode: int
    payload: bytes

    @property
    def close_code(self) -> int | None:
        return struct.unpack("!H", self.payload[:2])[0] if len(self.payload) >= 2 else None


class RawClient:
    """A connected socket after a handshake: `status`, `headers`, then frames."""

    def __init__(self, port: int, request: bytes, timeout: float = 5.0) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.settimeout(timeout)
        self.sock.sendall(request)
        self.buffer = b""
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in self.buffer:
            assert time.monotonic() < deadline, "no handshake answer"
            data = self.sock.recv(65536)
            assert data, f"closed during the handshake: {self.buffer!r}"
            self.buffer += data
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {
            k.strip().lower(): v.strip() for k, _, v in (line.partition(b":") for line in lines[1:])
        }
        self.buffer = rest
        if self.status != 101:
            self.body = self._rest_of_body()

    def _rest_of_body(self) -> bytes:
        length = int(self.headers.get(b"content-length", b"0"))
        while len(self.buffer) < length:
            data = self.sock.recv(65536)
            if not data:
                break
            self.buffer += data
        return self.buffer[:length]

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read_frame(self) -> Frame:
        while True:
            parsed = _parse(self.buffer)
            if parsed is not None:
                result, self.buffer = parsed
                return result
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError(f"closed with {self.buffer!r} unread")
            self.buffer += data

    def read_until_eof(self, timeout: float = 5.0) -> bool:
        """Whether the server closed the TCP connection within `timeout` seconds."""
        self.sock.settimeout(timeout)
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return True
        except TimeoutError:
            return False
        except ConnectionResetError:
            return True

    def close(self) -> None:
        self.sock.close()


def _parse(buf: bytes) -> tuple[Frame, bytes] | None:
    if len(buf) < 2:
        return None
    first, second = buf[0], buf[1]
    assert not second & 0x80, "server frames must not be masked"
    length, offset = second & 0x7F, 2
    if length == 126:
        if len(buf) < 4:
            return None
        length, offset = struct.unpack("!H", buf[2:4])[0], 4
    elif length == 127:
        if len(buf) < 10:
            return None
        length, offset = struct.unpack("!Q", buf[2:10])[0], 10
    if len(buf) < offset + length:
        return None
    payload = buf[offset : offset + length]
    return Frame(bool(first & 0x80), bool(first & 0x40), first & 0x0F, payload), buf[
        offset + length :
    ]


def accept_token(key: bytes) -> bytes:
    import hashlib

    return base64.b64encode(
        hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11", usedforsecurity=False).digest()
    )
