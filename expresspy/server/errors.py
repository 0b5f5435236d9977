"""Failures of the server's own that its callers turn into one clear line."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["AddressInUse", "naming_a_taken_address"]


class AddressInUse(OSError):
    """The address to listen on is taken (another server, or an earlier run still stopping).

    An ``OSError`` with ``errno.EADDRINUSE``, so code that handles the operating system's
    error keeps working; ``str()`` is the one line to show: ``127.0.0.1:3000 is in use
    (another server?)``. ``address`` is the ``host:port`` or the Unix socket path.
    """

    def __init__(self, address: str) -> None:
        super().__init__(errno.EADDRINUSE, f"{address} is in use (another server?)")
        self.address = address

    def __str__(self) -> str:
        return str(self.strerror)


@contextmanager
def naming_a_taken_address(address: str) -> Iterator[None]:
    """Raise ``AddressInUse(address)`` for an EADDRINUSE raised inside (the system's text
    names neither the address clearly nor what to do)."""
    try:
        yield
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE and not isinstance(exc, AddressInUse):
            raise AddressInUse(address) from None
        raise
