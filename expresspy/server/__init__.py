"""The built-in HTTP/1.1 server: serves any ASGI 3 application (it never imports the framework).

Public surface: ``ServerConfig`` (every limit and timeout), ``run`` (blocking, with signals),
``serve`` (async), ``Server`` (start/stop from a running loop), ``BackgroundServer`` (a server
in a thread, for tests). Layers: ``precheck``, ``protocol`` and ``httptools_parser`` are
sans-IO (bytes in, events out; on h11, or on httptools when installed); ``wire`` serializes
responses; ``connection``, ``timers`` and ``server`` are the asyncio transport. See
docs/server.md.
"""

from .background import BackgroundServer
from .config import ServerConfig
from .errors import AddressInUse
from .lifespan import LifespanFailure
from .run import configure_logging, run, serve
from .server import Server
from .types import ASGIApp, ClientDisconnected

__all__ = [
    "ASGIApp",
    "AddressInUse",
    "BackgroundServer",
    "ClientDisconnected",
    "LifespanFailure",
    "Server",
    "ServerConfig",
    "configure_logging",
    "run",
    "serve",
]
