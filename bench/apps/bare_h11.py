"""The floor under every h11 server: a bare asyncio loop driving h11, answering a canned response.

No framework, no ASGI: each complete request gets the same plain-text "Hello, World!".
Run as ``python bench/apps/bare_h11.py PORT``.
"""

from __future__ import annotations

import asyncio
import sys

import h11

BODY = b"Hello, World!"
HEADERS = [
    ("content-type", "text/plain; charset=utf-8"),
    ("content-length", str(len(BODY))),
]


class CannedProtocol(asyncio.Protocol):
    """One connection: parse requests with h11 and answer each with the canned response."""

    def __init__(self) -> None:
        self.conn = h11.Connection(h11.SERVER)
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport to write responses to."""
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        """Feed bytes to h11 and answer every request it completes."""
        self.conn.receive_data(data)
        self.drain_events()

    def eof_received(self) -> None:
        """The client closed its side: close ours."""
        assert self.transport is not None
        self.transport.close()

    def drain_events(self) -> None:
        """Handle events until h11 needs more bytes."""
        assert self.transport is not None
        while True:
            try:
                event = self.conn.next_event()
            except h11.RemoteProtocolError:
                self.transport.close()
                return
            if event is h11.NEED_DATA or event is h11.PAUSED:
                return
            if isinstance(event, h11.EndOfMessage):
                self.respond()
            elif isinstance(event, h11.ConnectionClosed):
                self.transport.close()
                return

    def respond(self) -> None:
        """Send the canned response and get ready for the next request."""
        assert self.transport is not None
        out = self.conn.send(h11.Response(status_code=200, headers=HEADERS))
        out += self.conn.send(h11.Data(data=BODY)) + self.conn.send(h11.EndOfMessage())
        self.transport.write(out)
        if self.conn.our_state is h11.DONE and self.conn.their_state is h11.DONE:
            self.conn.start_next_cycle()
        else:
            self.transport.close()


async def serve(port: int) -> None:
    """Listen on 127.0.0.1:``port`` until cancelled."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(CannedProtocol, "127.0.0.1", port, backlog=2048)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))
