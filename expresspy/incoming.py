"""IncomingMessage's events on `req`: "data" and "end" stream the body, as in Node.

The first "data" or "end" listener (or `req.resume()`) starts reading the body on the event
loop: each chunk is emitted as "data" (bytes, or text after `req.set_encoding(...)`), then
"end". "close" (and "aborted" when the client left first) come from the response's end
(`expresspy.outgoing`). A body already read by a body parser cannot be read again: a "data" or
"end" listener added then never fires, as in Node, and a warning says why (read `req.body`).

One difference from Node, on purpose: an "end" listener added after the body was streamed here
is still called (soon, on the loop). A plain `def` handler runs in a thread, so the reading
may finish before its next line registers the "end" listener.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from expresspy.callbacks import on_loop_thread
from expresspy.errors import HTTPError
from expresspy.events import Emitter, Listener, call_with_arity, spawn

if TYPE_CHECKING:
    from expresspy.runtime.next import Exchange

__all__ = ["IncomingEvents"]

logger = logging.getLogger("expresspy")

_BODY_EVENTS = frozenset({"data", "end", "readable"})


class IncomingEvents(Emitter):
    """Node's `req.on("data"|"end"|"close"|"aborted", fn)`, `req.set_encoding`, `req.resume`."""

    _encoding: str | None = None
    _reading = False  # a reader started (by a listener or resume)
    _body_ended = False  # that reader emitted "end"
    _body_consumed = False
    _exchange: Exchange
    method: str
    original_url: str

    def stream(self) -> AsyncIterator[bytes]:
        raise NotImplementedError

    def set_encoding(self, encoding: str) -> Any:
        """Emit "data" chunks as text decoded with `encoding` instead of bytes."""
        self._encoding = encoding
        return self

    setEncoding = set_encoding

    def resume(self) -> Any:
        """Read (and emit) the rest of the body, as Node's `readable.resume()`: with no
        "data" listener the body is discarded and "end" still comes."""
        self._start_reading("resume")
        return self

    def _add_listener(self, event: str, listener: Listener, once: bool) -> None:
        super()._add_listener(event, listener, once)
        if event not in _BODY_EVENTS:
            return
        if event == "end" and self._body_ended:
            self._exchange._loop.call_soon_threadsafe(self._late_end, listener)
            return
        self._start_reading(f"req.on({event!r})")

    def _late_end(self, listener: Listener) -> None:
        entries = (self._listeners or {}).get("end", [])
        for index, (fn, once) in enumerate(entries):
            if fn is listener:
                if once:
                    del entries[index]
                call_with_arity(fn, ())
                return

    def _start_reading(self, why: str) -> None:
        if self._reading:
            return
        if self._body_consumed:
            logger.warning(
                "%s on %s %s: the body was already read (by a body parser such as "
                "express.json()?), so no 'data' or 'end' will come; read req.body instead",
                why,
                self.method,
                self.original_url,
            )
            return
        self._reading = True
        loop = self._exchange._loop
        if on_loop_thread(loop):
            spawn(self._read_body())
        else:
            loop.call_soon_threadsafe(lambda: spawn(self._read_body()))

    async def _read_body(self) -> None:
        try:
            async for chunk in self.stream():
                self.emit("data", chunk.decode(self._encoding) if self._encoding else chunk)
        except HTTPError as exc:
            # an abort is told by "aborted" and "close"
            if exc.type != "request.aborted" and not self.emit("error", exc):
                logger.warning(
                    "reading the body of %s %s failed: %s", self.method, self.original_url, exc
                )
            return
        self._body_ended = True
        self.emit("end")
