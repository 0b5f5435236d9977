"""A small Redis client for RedisStore: one connection, RESP over an asyncio Protocol.

RedisStore made from a single-server URL (``redis://``, ``rediss://``, ``unix://``) sends its
commands through :class:`RespClient` instead of redis-py's asyncio client. Commands from
concurrent requests share one connection and are *pipelined*: none waits for the replies
before it, and the server's replies, which come back in order, resolve the callers' futures
in that order. On an idle connection a command is written at once; while replies are awaited,
the commands issued in one pass of the event loop are written together at its end. hiredis
parses the replies and encodes the commands (``hiredis.Reader``, ``hiredis.pack_command``).

What it keeps of redis-py: its exception classes (``redis.exceptions``: the store's
``unavailable_errors`` and ``NoScriptError``), its URL parsing, its TLS context for
``rediss://``, and its error texts. What it does differently:

* one connection, opened on first use (AUTH, SELECT and CLIENT SETNAME from the URL) and
  opened again by the first command after a loss; commands waiting for a reply when the
  connection is lost fail with ``redis.exceptions.ConnectionError``;
* one timer per connection bounds the wait for the oldest reply (``read_timeout``); past it
  every waiting command fails with ``redis.exceptions.TimeoutError`` and the connection is
  dropped (its replies could no longer be matched to their commands);
* the same timer keeps the deadline of the session middleware's store call
  (:func:`~expresspy.session.store.call_deadline`, from its ``store_timeout``) for every
  command sent during that call: past it the command fails with
  :class:`~expresspy.session.store.StoreDeadlineExceeded` and the connection stays (its reply
  is dropped when it comes). Opening the connection and waiting for a place among the
  commands in flight end by that deadline too;
* at most ``max_in_flight`` commands wait for a reply at once (the store's ``pool_size``); a
  command that finds them all in flight waits for one to finish, ``wait_timeout`` seconds at
  most, then fails with :class:`~expresspy.session.redis_client.PoolExhausted` (load, not an
  outage), as a full waiting pool of redis-py did.

Blocking commands (``BLPOP``, ``WAIT``) hold every command queued behind them: the client is
for the store's short commands. The store keeps a redis-py client for ``WATCH``, which needs
a connection of its own.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import hiredis
from redis import exceptions as redis_errors

from .redis_client import PoolExhausted
from .store import CALL_DEADLINE, StoreDeadlineExceeded, within_deadline

__all__ = ["RespClient", "RespOptions", "error_from_reply", "options_from_url"]

INFINITY = float("inf")

#: URL query options the client understands; a URL with any other (``decode_responses``,
#: ``protocol``, ``health_check_interval``, ...) keeps redis-py's client.
KNOWN_QUERY = frozenset({"db", "client_name", "socket_timeout", "socket_connect_timeout"})

#: An error reply's first word -> the redis-py exception redis-py raises for it (redis-py's
#: own table, in ``_parsers/base.py``, limited to classes every redis>=5 has). The first word
#: is left out of the message for these codes, as redis-py does.
ERROR_CLASSES: dict[str, type[redis_errors.RedisError]] = {
    "ERR": redis_errors.ResponseError,
    "OOM": redis_errors.OutOfMemoryError,
    "WRONGPASS": redis_errors.AuthenticationError,
    "NOAUTH": redis_errors.AuthenticationError,
    "EXECABORT": redis_errors.ExecAbortError,
    "LOADING": redis_errors.BusyLoadingError,
    "NOSCRIPT": redis_errors.NoScriptError,
    "READONLY": redis_errors.ReadOnlyError,
    "NOPERM": redis_errors.NoPermissionError,
}

#: ``ERR`` replies that mean the connection cannot be used (redis-py raises a ConnectionError
#: for these, so the store reports the server as unavailable).
ERR_CONNECTION_CLASSES: dict[str, type[redis_errors.RedisError]] = {
    "max number of clients reached": redis_errors.ConnectionError,
    "invalid password": redis_errors.AuthenticationError,
}

#: hiredis's encoder of one command (its stub types the argument as a 1-tuple).
pack_command: Callable[[tuple[Any, ...]], bytes] = hiredis.pack_command

SERVER_CLOSED = "Connection closed by server."
CLIENT_CLOSED = "Connection closed by client."

#: The deadline of the store call being made (store.call_deadline), looked up per command.
_call_deadline: Callable[[], float | None] = CALL_DEADLINE.get


class _ReplyError(Exception):
    """What hiredis makes of an error reply (turned into redis-py's class by the caller)."""


def error_from_reply(text: str) -> redis_errors.RedisError:
    """The redis-py exception for the error reply ``text`` (``"NOSCRIPT No matching..."``)."""
    code, _, rest = text.partition(" ")
    cls = ERROR_CLASSES.get(code)
    if cls is None:
        return redis_errors.ResponseError(text)
    if code == "ERR":
        cls = ERR_CONNECTION_CLASSES.get(rest, cls)
    return cls(rest)


@dataclass(frozen=True)
class RespOptions:
    """Where and how :class:`RespClient` connects. Timeouts are in seconds."""

    #: ``host:port`` or the socket path: what error messages name.
    address: str
    host: str = "localhost"
    port: int = 6379
    #: A Unix socket's path (``unix://``); host and port are then unused.
    path: str | None = None
    #: The TLS context (``rediss://``), or None for plain TCP.
    tls: ssl.SSLContext | None = None
    username: str | None = None
    password: str | None = None
    db: int = 0
    client_name: str | None = None
    connect_timeout: float | None = None
    #: How long the oldest command waits for its reply (None: as long as it takes).
    read_timeout: float | None = None
    #: Commands waiting for a reply at once, at most.
    max_in_flight: int = 100
    #: How long a command waits for a place among them (None: until the caller gives up).
    wait_timeout: float | None = None


def options_from_url(
    url: str,
    *,
    connect_timeout: float | None,
    read_timeout: float | None,
    max_in_flight: int,
    wait_timeout: float | None,
) -> RespOptions | None:
    """The options for a ``redis://``, ``rediss://`` or ``unix://`` URL, parsed by redis-py
    as its ``from_url`` would; None when the URL asks for something this client does not do
    (a query option outside :data:`KNOWN_QUERY` and, for ``rediss://``, the ``ssl_*`` ones).

    ``socket_timeout`` and ``socket_connect_timeout`` in the URL win over the arguments, as
    they do with redis-py's ``from_url``.
    """
    from redis.asyncio.connection import SSLConnection, UnixDomainSocketConnection, parse_url

    parsed: dict[str, Any] = dict(parse_url(url))
    connection_class = parsed.pop("connection_class", None)
    is_tls = connection_class is SSLConnection
    ssl_options = {name: parsed.pop(name) for name in list(parsed)
                   if is_tls and name.startswith("ssl_")}  # fmt: skip
    if set(parsed) - KNOWN_QUERY - {"host", "port", "path", "username", "password"}:
        return None
    tls = SSLConnection(**ssl_options).ssl_context.get() if is_tls else None
    path = parsed.get("path") if connection_class is UnixDomainSocketConnection else None
    host, port = str(parsed.get("host", "localhost")), int(parsed.get("port", 6379))
    return RespOptions(
        address=path if path is not None else f"{host}:{port}",
        host=host,
        port=port,
        path=path,
        tls=tls,
        username=parsed.get("username"),
        password=parsed.get("password"),
        db=int(parsed.get("db", 0)),
        client_name=parsed.get("client_name"),
        connect_timeout=parsed.get("socket_connect_timeout", connect_timeout),
        read_timeout=parsed.get("socket_timeout", read_timeout),
        max_in_flight=max_in_flight,
        wait_timeout=wait_timeout,
    )


class RespConnection(asyncio.Protocol):
    """One connection: commands written as they come, replies matched to them in order.

    ``pending`` holds a ``(future, read_deadline, call_deadline)`` per command written and
    not yet answered, oldest first (``read_deadline``: when its reply is overdue, later for
    later commands, or ``inf``; ``call_deadline``: when its caller's store call must end, or
    None); ``waiters`` the futures of commands waiting for a place among them.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, options: RespOptions) -> None:
        self.loop = loop
        self.options = options
        self.transport: asyncio.Transport | None = None
        self.reader = hiredis.Reader(replyError=_ReplyError)
        self.pending: collections.deque[tuple[asyncio.Future[Any], float, float | None]] = (
            collections.deque()
        )
        self.waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        #: False once the connection is lost or dropped: the client then opens another.
        self.usable = False
        self.closed: asyncio.Future[None] = loop.create_future()
        self._timer: asyncio.TimerHandle | None = None
        #: When ``_timer`` fires (``inf`` without one).
        self._timer_at = INFINITY
        self._read_timeout = options.read_timeout
        #: Commands written during this pass of the loop, sent together at its end.
        self._corked: list[bytes] | None = None

    # -- asyncio.Protocol ----------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but have its methods
        self.transport = cast(asyncio.Transport, transport)
        self.usable = True

    def data_received(self, data: bytes) -> None:
        reader, pending = self.reader, self.pending
        reader.feed(data)
        while True:
            try:
                reply = reader.gets()
            except hiredis.ProtocolError as exc:
                self.drop(redis_errors.ConnectionError(f"Protocol error: {exc}"))
                return
            if reply is False:
                break
            if not pending:  # a reply nobody asked for: the stream cannot be trusted
                self.drop(redis_errors.ConnectionError("Protocol error: an unexpected reply"))
                return
            future = pending.popleft()[0]
            if future.done():  # its caller gave up (cancelled); the reply is dropped
                continue
            if type(reply) is _ReplyError:
                future.set_exception(error_from_reply(str(reply)))
            else:
                future.set_result(reply)
        if self.waiters:
            self._wake_waiters()

    def connection_lost(self, exc: Exception | None) -> None:
        self.usable = False
        if exc is None:
            error = redis_errors.ConnectionError(SERVER_CLOSED)
        else:
            error = redis_errors.ConnectionError(
                f"Error while reading from {self.options.address}: {exc}"
            )
        self._fail_pending(error)
        if not self.closed.done():
            self.closed.set_result(None)

    # -- commands ------------------------------------------------------------------------

    def send(self, data: bytes, deadline: float | None = None) -> asyncio.Future[Any]:
        """Write one packed command; the future of its reply, failed past ``deadline`` (loop
        time) with :class:`StoreDeadlineExceeded`."""
        future = self.loop.create_future()
        idle = not self.pending
        self._expect(future, deadline)
        self._write(data, idle)
        return future

    def send_many(
        self, data: bytes, count: int, deadline: float | None = None
    ) -> list[asyncio.Future[Any]]:
        """Write ``count`` packed commands at once; the futures of their replies (each failed
        past ``deadline``, as :meth:`send`'s)."""
        futures = [self.loop.create_future() for _ in range(count)]
        idle = not self.pending
        for future in futures:
            self._expect(future, deadline)
        self._write(data, idle)
        return futures

    def _write(self, data: bytes, idle: bool) -> None:
        """Write ``data`` now on an idle connection; while replies are awaited, gather the
        commands of this pass of the event loop and write them together at its end (one
        send for the many requests a batch of replies resumed, as Node's clients do)."""
        corked = self._corked
        if corked is not None:
            corked.append(data)
        elif idle:
            assert self.transport is not None
            self.transport.write(data)
        else:
            self._corked = [data]
            self.loop.call_soon(self._flush)

    def _flush(self) -> None:
        """Write the commands gathered since the first one of this pass."""
        corked, self._corked = self._corked, None
        if corked and self.usable:
            assert self.transport is not None
            self.transport.write(b"".join(corked))

    def _expect(self, future: asyncio.Future[Any], deadline: float | None) -> None:
        """Queue ``future`` for the next reply, under the read timeout and ``deadline``."""
        timeout = self._read_timeout
        due = INFINITY if timeout is None else self.loop.time() + timeout
        self.pending.append((future, due, deadline))
        if deadline is not None and deadline < due:
            due = deadline
        if due < self._timer_at:  # rarely: a timer is set at the oldest command's deadline
            self._set_timer(due)

    def _set_timer(self, when: float) -> None:
        """(Re)set the one timer to fire at ``when``."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self.loop.call_at(when, self._check_deadline)
        self._timer_at = when

    def _check_deadline(self) -> None:
        """The one timer: drop the connection if the oldest reply is overdue, fail the
        commands whose call deadline passed, and set the timer for the next deadline."""
        self._timer, self._timer_at = None, INFINITY
        if not self.pending or not self.usable:
            return
        now = self.loop.time()
        due = self.pending[0][1]  # later replies have later read deadlines
        if due <= now:
            self.drop(redis_errors.TimeoutError(f"Timeout reading from {self.options.address}"))
            return
        for future, _, deadline in self.pending:
            if deadline is None or future.done():
                continue
            if deadline <= now:  # its reply, when it comes, is dropped (the future is done)
                future.set_exception(StoreDeadlineExceeded(
                    f"the store call's deadline passed waiting for {self.options.address}"
                ))  # fmt: skip
            elif deadline < due:
                due = deadline
        if due < INFINITY:
            self._set_timer(due)

    # -- places among the commands in flight ----------------------------------------------

    def has_room(self) -> bool:
        """Whether a command may be written now without passing anyone waiting."""
        return len(self.pending) < self.options.max_in_flight and not self.waiters

    async def wait_for_room(self, deadline: float | None, call_deadline: float | None) -> None:
        """Wait until fewer than ``max_in_flight`` commands are in flight, until ``deadline``
        (loop time) at most, then raises :class:`PoolExhausted`; or until the store call's
        ``call_deadline``, when that comes first, then raises :class:`StoreDeadlineExceeded`."""
        if call_deadline is not None and (deadline is None or call_deadline < deadline):
            await within_deadline(self._wait_for_room(None), call_deadline)
        else:
            await self._wait_for_room(deadline)

    async def _wait_for_room(self, deadline: float | None) -> None:
        """:meth:`wait_for_room` until ``deadline`` (:class:`PoolExhausted` past it)."""
        while self.usable and len(self.pending) >= self.options.max_in_flight:
            waiter: asyncio.Future[None] = self.loop.create_future()
            self.waiters.append(waiter)
            try:
                if deadline is None:
                    await waiter
                else:
                    await asyncio.wait_for(waiter, max(0.0, deadline - self.loop.time()))
            except asyncio.TimeoutError:
                raise PoolExhausted(
                    f"all {self.options.max_in_flight} connections stayed in use for "
                    f"{self.options.wait_timeout or 0:g} s; raise pool_size or add workers"
                ) from None
            except BaseException:  # cancelled: leave the queue, or pass on a place given
                if waiter.done() and not waiter.cancelled():
                    self._wake_waiters()
                raise
            finally:
                if waiter.cancelled():  # timed out or cancelled: no longer in line
                    with contextlib.suppress(ValueError):
                        self.waiters.remove(waiter)

    def _wake_waiters(self) -> None:
        """Let as many waiting commands go as there are free places (all of them once the
        connection is gone: they open the next one)."""
        free = self.options.max_in_flight - len(self.pending) if self.usable else len(self.waiters)
        while free > 0 and self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                free -= 1

    # -- ending --------------------------------------------------------------------------

    def drop(self, error: Exception) -> None:
        """Fail every command waiting for a reply with ``error`` and close at once."""
        self.usable = False
        self._fail_pending(error)
        if self.transport is not None:
            self.transport.abort()

    def close(self) -> None:
        """Close after the commands already written are sent; their replies are not read."""
        self.usable = False
        self._fail_pending(redis_errors.ConnectionError(CLIENT_CLOSED))
        if self.transport is not None:
            self.transport.close()

    def _fail_pending(self, error: Exception) -> None:
        self._corked = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer, self._timer_at = None, INFINITY
        pending, self.pending = self.pending, collections.deque()
        for future, _, _ in pending:
            if not future.done():
                future.set_exception(error)
        self._wake_waiters()


class RespClient:
    """Redis commands over one pipelined connection (see the module's docstring).

    Replies are as RESP2 gives them, through hiredis: bulk strings as ``bytes``, integers as
    ``int``, arrays as lists; an error reply raises the redis-py exception redis-py would.
    The connection belongs to the event loop that opened it; a command from another loop
    opens a new one there.
    """

    def __init__(self, options: RespOptions) -> None:
        self.options = options
        self._connection: RespConnection | None = None
        self._connecting: asyncio.Task[RespConnection] | None = None

    # -- the hot path --------------------------------------------------------------------

    def execute_command(self, *args: str | bytes | int | float) -> Awaitable[Any]:
        """Send one command; awaiting the result gives its reply.

        With an open connection that has room this only writes the command: the awaitable
        is the reply's future itself, no coroutine.
        """
        connection = self._connection
        if (
            connection is not None
            and connection.usable
            and connection.has_room()
            and connection.loop is asyncio.get_running_loop()
        ):
            return connection.send(pack_command(args), _call_deadline())
        return self._execute_when_ready(args)

    async def _execute_when_ready(self, args: tuple[str | bytes | int | float, ...]) -> Any:
        deadline = _call_deadline()
        connection = await self._ready(deadline)
        return await connection.send(pack_command(args), deadline)

    async def execute_many(self, *commands: Sequence[str | bytes | int | float]) -> list[Any]:
        """Send ``commands`` together, on one connection, one after the other; their replies
        in order. The first error reply is raised (after every reply came)."""
        deadline = _call_deadline()
        connection = await self._ready(deadline)
        data = b"".join(pack_command(tuple(command)) for command in commands)
        futures = connection.send_many(data, len(commands), deadline)
        replies = await asyncio.gather(*futures, return_exceptions=True)
        for reply in replies:
            if isinstance(reply, BaseException):
                raise reply
        return replies

    # -- the connection ------------------------------------------------------------------

    async def _ready(self, call_deadline: float | None) -> RespConnection:
        """An open connection on the running loop with room for one more command: opened
        (again) when there is none, waited for when every place is taken; either by the
        store call's ``call_deadline`` at most (:class:`StoreDeadlineExceeded` past it)."""
        loop = asyncio.get_running_loop()
        wait = self.options.wait_timeout
        deadline = None if wait is None else loop.time() + wait
        while True:
            connection = self._connection
            if connection is None or not connection.usable or connection.loop is not loop:
                connection = await within_deadline(self._connect(loop), call_deadline)
            if connection.has_room():
                return connection
            await connection.wait_for_room(deadline, call_deadline)
            if connection.usable and len(connection.pending) < self.options.max_in_flight:
                return connection

    async def _connect(self, loop: asyncio.AbstractEventLoop) -> RespConnection:
        """The connection being opened, or a new attempt; shared by every caller meanwhile.
        One caller giving up (cancelled) does not stop it for the others."""
        task = self._connecting
        if task is None or task.get_loop() is not loop:
            old = self._connection
            if old is not None and old.loop is not loop:
                _close_elsewhere(old)
            task = self._connecting = loop.create_task(self._open(loop))
            task.add_done_callback(self._opened)
        return await asyncio.shield(task)

    def _opened(self, task: asyncio.Task[RespConnection]) -> None:
        if self._connecting is task:
            self._connecting = None
        if not task.cancelled() and task.exception() is None:  # exception() marks it seen
            self._connection = task.result()

    async def _open(self, loop: asyncio.AbstractEventLoop) -> RespConnection:
        """Connect (bounded by ``connect_timeout``), then AUTH, SELECT and CLIENT SETNAME."""
        options = self.options
        connection = RespConnection(loop, options)
        try:
            await asyncio.wait_for(_create(loop, connection, options), options.connect_timeout)
        except asyncio.TimeoutError:
            raise redis_errors.TimeoutError("Timeout connecting to server") from None
        except OSError as exc:
            raise redis_errors.ConnectionError(_connect_error(options.address, exc)) from exc
        if not connection.usable:  # lost between connecting and now
            raise redis_errors.ConnectionError(SERVER_CLOSED)
        try:
            await self._handshake(connection)
        except BaseException:
            connection.drop(redis_errors.ConnectionError(CLIENT_CLOSED))
            raise
        return connection

    @staticmethod
    async def _handshake(connection: RespConnection) -> None:
        """The URL's AUTH, SELECT and CLIENT SETNAME, sent together; an error reply to any
        of them is a ConnectionError (redis-py's AuthenticationError for AUTH)."""
        options = connection.options
        commands: list[tuple[str | int, ...]] = []
        if options.password is not None:
            user = () if options.username is None else (options.username,)
            commands.append(("AUTH", *user, options.password))
        elif options.username is not None:  # redis-py sends the user with an empty password
            commands.append(("AUTH", options.username, ""))
        if options.db:
            commands.append(("SELECT", options.db))
        if options.client_name:
            commands.append(("CLIENT", "SETNAME", options.client_name))
        if not commands:
            return
        data = b"".join(pack_command(command) for command in commands)
        replies = await asyncio.gather(*connection.send_many(data, len(commands)),
                                       return_exceptions=True)  # fmt: skip
        for command, reply in zip(commands, replies, strict=True):
            if isinstance(reply, redis_errors.ResponseError):
                raise redis_errors.ConnectionError(f"{command[0]} failed: {reply}") from reply
            if isinstance(reply, BaseException):
                raise reply

    async def aclose(self) -> None:
        """Close the connection (commands still waiting for a reply fail). The client stays
        usable: the next command opens a new connection."""
        task, self._connecting = self._connecting, None
        if task is not None:
            task.cancel()
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if connection.loop is not asyncio.get_running_loop():
            _close_elsewhere(connection)
            return
        connection.close()
        await asyncio.wait({connection.closed}, timeout=1.0)

    # -- the commands RedisStore (and its tests) use -------------------------------------

    def get(self, name: str) -> Awaitable[bytes | None]:
        """``GET name`` (awaitable: the reply's future when the connection is ready)."""
        return self.execute_command("GET", name)

    async def set(self, name: str, value: str | bytes, ex: int | None = None) -> bool:
        """``SET name value [EX ex]``; True when stored."""
        if ex is None:
            return _ok(await self.execute_command("SET", name, value))
        return _ok(await self.execute_command("SET", name, value, "EX", ex))

    async def delete(self, *names: str) -> int:
        """``DEL names...``: how many existed."""
        return int(await self.execute_command("DEL", *names))

    async def mget(self, names: Sequence[str]) -> list[bytes | None]:
        """``MGET names...``."""
        return list(await self.execute_command("MGET", *names))

    async def script_load(self, script: str) -> str:
        """``SCRIPT LOAD script``: the script's SHA1."""
        sha: bytes = await self.execute_command("SCRIPT", "LOAD", script)
        return sha.decode("ascii")

    async def scan_iter(self, match: str, count: int) -> AsyncIterator[bytes]:
        """Every key ``SCAN ... MATCH match COUNT count`` finds (a key may come twice)."""
        cursor: bytes | int = 0
        while True:
            cursor, keys = await self.execute_command("SCAN", cursor, "MATCH", match,
                                                      "COUNT", count)  # fmt: skip
            for key in keys:
                yield key
            if cursor in (b"0", 0):
                return

    async def blpop(self, keys: Sequence[str], timeout: float = 0) -> list[bytes] | None:
        """``BLPOP keys... timeout``: it holds every command sent after it until it ends."""
        reply: list[bytes] | None = await self.execute_command("BLPOP", *keys, timeout)
        return reply

    async def client_id(self) -> int:
        """``CLIENT ID``: which connection the server sees."""
        return int(await self.execute_command("CLIENT", "ID"))

    async def ping(self) -> bool:
        """``PING``."""
        return bool(await self.execute_command("PING") == b"PONG")


def _ok(reply: Any) -> bool:
    return bool(reply == b"OK")


async def _create(
    loop: asyncio.AbstractEventLoop, connection: RespConnection, options: RespOptions
) -> None:
    """Open the socket of ``connection`` (asyncio sets TCP_NODELAY on TCP sockets)."""
    factory: Callable[[], RespConnection] = lambda: connection  # noqa: E731
    if options.path is not None:
        await loop.create_unix_connection(factory, options.path)
    elif options.tls is not None:
        await loop.create_connection(factory, options.host, options.port, ssl=options.tls,
                                     server_hostname=options.host)  # fmt: skip
    else:
        await loop.create_connection(factory, options.host, options.port)


def _connect_error(address: str, exc: OSError) -> str:
    """redis-py's text for a failed connect (``Error 111 connecting to host:port. ...``)."""
    if not exc.args:
        return f"Error connecting to {address}."
    if len(exc.args) == 1:
        return f"Error {exc.args[0]} connecting to {address}."
    return f"Error {exc.args[0]} connecting to {address}. {exc.args[1]}."


def _close_elsewhere(connection: RespConnection) -> None:
    """Close a connection of another event loop, from that loop when it still runs."""
    connection.usable = False
    transport = connection.transport
    if transport is None:
        return
    if connection.loop.is_closed():
        try:  # the loop is gone; so is its selector: only the socket is left to close
            transport.abort()
        except Exception:  # nothing more can be done for it
            return
    else:
        connection.loop.call_soon_threadsafe(
            connection.drop, redis_errors.ConnectionError(CLIENT_CLOSED)
        )
