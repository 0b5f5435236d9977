"""`flash()`: one-time messages kept in the session (the connect-flash package, 0.1.1).

    from expresspy.middleware import flash

    app.use(session(secret="...", resave=False, save_uninitialized=False))
    app.use(flash())

    req.flash("info", "Email sent to %s", user.email)   # queue; returns the count (1)
    req.flash("info")                                    # ['Email sent to ann@example.com']
    req.flash("info")                                    # [] - reading consumes them

Messages live in ``req.session.flash`` as ``{type: [message, ...]}``, the layout connect-flash
writes, so a Node app and an expresspy app sharing one session store read each other's messages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from expresspy.middleware._options import Middleware, gather
from expresspy.middleware._utilformat import node_format
from expresspy.session.missing import session_of

__all__ = ["FlashWithoutSession", "flash"]

#: The session key connect-flash stores messages under.
SESSION_KEY = "flash"


class FlashWithoutSession(RuntimeError):
    """``req.flash()`` was called on a request without a session (connect-flash's error)."""

    def __init__(self) -> None:
        super().__init__(
            "req.flash() requires sessions: add the session() middleware before flash()"
        )


def flash(options: Mapping[str, Any] | None = None, /, **keywords: Any) -> Middleware:
    """Return middleware that gives every request ``req.flash`` (see :func:`read_or_queue`).

    ``unsafe`` (default False): replace a ``req.flash`` another middleware already set; by
    default an existing one is kept, as connect-flash does.
    """
    settings = gather("flash()", options, keywords, {"unsafe": False})
    safe = not settings["unsafe"]

    async def flash_middleware(req: Any, res: Any, next: Callable[..., None]) -> None:
        if safe and getattr(req, "flash", None) is not None:
            next()
            return
        req.flash = _bound(req)
        next()

    flash_middleware.__name__ = "flash"
    return flash_middleware


def _bound(req: Any) -> Callable[..., Any]:
    def req_flash(type: str | None = None, message: Any = None, *args: Any) -> Any:
        return read_or_queue(req, type, message, *args)

    req_flash.__doc__ = read_or_queue.__doc__
    return req_flash


def read_or_queue(req: Any, type: str | None = None, message: Any = None, *args: Any) -> Any:
    """``req.flash(...)``: queue a message, or read (and remove) messages.

    * ``req.flash(type, message)`` queues one message and returns how many ``type`` has;
    * ``req.flash(type, fmt, *args)`` queues ``util.format(fmt, *args)`` (``%s``, ``%d``,
      ``%j``, ``%%`` ... as Node formats them);
    * ``req.flash(type, [m1, m2])`` queues each message of the list; returns the count;
    * ``req.flash(type)`` returns the list of ``type``'s messages (``[]`` if none) and removes it;
    * ``req.flash()`` returns every message as ``{type: [...]}`` and removes them all.

    An empty ``type`` or ``message`` (``""``, ``None``, ``0``) counts as absent, as in
    connect-flash. Raises :class:`FlashWithoutSession` when the request has no session.
    """
    session = session_of(req)
    if session is None:
        raise FlashWithoutSession()
    messages = session.get(SESSION_KEY) or {}
    session[SESSION_KEY] = messages
    if _truthy(type) and _truthy(message):
        queue = messages.setdefault(type, [])
        if args:
            queue.append(node_format(message, *args))
        elif isinstance(message, (list, tuple)):
            queue.extend(message)
        else:
            queue.append(message)
        return len(queue)
    if _truthy(type):
        return messages.pop(type, None) or []
    session[SESSION_KEY] = {}
    return messages


def _truthy(value: Any) -> bool:
    """JavaScript's truthiness: an empty list or dict is true, "", 0, None and False are not."""
    if isinstance(value, (list, tuple, dict)):
        return True
    return bool(value)
