"""``req.session``: a mutable mapping with attribute access, bound to one request.

Reading ``req.session.user`` gives ``None`` when nothing is stored under ``"user"`` (JavaScript
reads ``undefined``); ``req.session["user"]`` raises ``KeyError`` like a dict. The session's
``cookie`` and ``id`` are attributes, not items. Names of methods (``save``, ``get``, ``items``
...) are reachable as items only: ``req.session["save"] = 1`` leaves ``req.session.save`` the
method. The data is the object's own ``__dict__``, so a stored name is read by Python's plain
attribute lookup.

``cookie`` and ``_expresspy`` (the lifetime metadata) are never data: the stored record keeps
the cookie and the metadata under those names, so a handler copying request fields into the
session could otherwise rewrite its own cookie's Domain, HttpOnly or expiry. Setting either
as an item raises :class:`ReservedSessionKey`; ``req.session.cookie`` (or
``req.session["cookie"]``) accepts only a :class:`SessionCookie`.

Values must be JSON-serialisable (sessions are stored as JSON, never pickled). Changes at any
depth are detected at the end of the request by comparing the serialised data, as
express-session does.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, MutableMapping
from operator import attrgetter
from types import FunctionType
from typing import TYPE_CHECKING, Any, Protocol

from .cookie import SessionCookie, StoredCookie
from .operation import Callback, SessionOperation
from .patch import META_KEY, RESERVED_KEYS, record_data

__all__ = [
    "ReservedSessionKey",
    "Session",
    "SessionBinding",
    "loaded_session",
    "session_from_record",
]


class ReservedSessionKey(TypeError, ValueError):
    """A session data key that would overwrite the stored cookie or metadata.

    Both a ``TypeError`` (``session.cookie`` always refused non-cookies with one) and a
    ``ValueError`` (what a bad key is), so either ``except`` catches it.
    """

    def __init__(self, key: str, value: object) -> None:
        if key == "cookie":
            message = (
                f"session['cookie'] must be a SessionCookie, not {type(value).__name__}: the "
                "name is reserved for the session's own cookie (its Domain, HttpOnly, "
                "expiry), so it cannot hold data; store the value under another key"
            )
        else:
            message = (
                f"session key {key!r} is reserved for the session's expiry metadata and "
                "cannot hold data; store the value under another key"
            )
        super().__init__(message)
        self.key = key


class SessionBinding(Protocol):
    """What a :class:`Session` needs from the request it belongs to (the middleware's state)."""

    def save(self, session: Session, callback: Callback | None) -> SessionOperation:
        """Store ``session`` now (and remember it as saved)."""

    def destroy(self, session: Session, callback: Callback | None) -> SessionOperation:
        """Unset ``req.session`` and delete the record."""

    def regenerate(self, session: Session, callback: Callback | None) -> SessionOperation:
        """Delete the record and put a new, empty session with a new id on the request."""

    def reload(self, session: Session, callback: Callback | None) -> SessionOperation:
        """Replace ``req.session`` with the stored copy."""


# Names that live on the object itself; everything else is session data.
_OWN_ATTRIBUTES = frozenset({"id", "cookie", "_sid", "_cookie", "_binding"})


class _SessionSlots:
    """The fields of a :class:`Session`, under Python's own attribute rules.

    The instance's ``__dict__`` is its data (no slot of its own: one dict, never two to keep
    in step), so that ``req.session.views`` finds a stored name by Python's plain lookup. Through
    ``__getattr__`` alone, Python 3.11 formats and raises an AttributeError before the hook
    runs: a data read cost about 6.4k instructions, against about 0.6k found in the dict.
    The slots (member descriptors), ``id`` and ``cookie`` (properties) and the class's methods
    (:class:`_Shielded`) are data descriptors, which Python's lookup puts before the
    instance's dict: stored data cannot hide them, and an assignment to one reaches the
    descriptor, which refuses it. Every other name is set as data by Python's own
    ``object.__setattr__``: a Python ``__setattr__`` cost each ``req.session.views = n``
    about 1.7k instructions.
    """

    __slots__ = ("__dict__", "_binding", "_cookie", "_sid")
    _binding: SessionBinding | None
    # The SessionCookie, or a loaded session's StoredCookie until ``cookie`` is first read.
    _cookie: SessionCookie | StoredCookie
    _sid: str  # the session id, read-only as ``Session.id``


class _Filling(_SessionSlots):
    """A loaded session being filled in: its slots stored as on any object, then it becomes
    a :class:`Session` (the same layout, so its ``__class__`` may be set). Made with
    ``object.__new__(Session)`` and filled the same way, a session took more than twice as
    long (0.5 µs against 0.2 µs, timeit), and a request loads one."""

    __slots__ = ()


class Session(_SessionSlots, MutableMapping[str, Any]):
    """The data of one session plus its ``id`` and ``cookie`` (express-session's Session).

    The methods ``save``, ``destroy``, ``regenerate`` and ``reload`` take an optional
    ``callback(err_or_None)`` and return an awaitable :class:`SessionOperation`; they work from
    ``async def`` and plain ``def`` handlers alike. Concurrent requests on one session are
    last-write-wins unless the store offers more (see docs/sessions.md).
    """

    __slots__ = ()

    if TYPE_CHECKING:

        @property
        def id(self) -> str:  # read-only to type checkers as to code (set after the class)
            """The session id."""

        # Any data name may be set, to type checkers as to code: Python's own __setattr__
        # sets it (see _SessionSlots); a Python one here would cost every write a call.
        def __setattr__(self, name: str, value: Any) -> None: ...

    def __init__(
        self,
        sid: str,
        cookie: SessionCookie,
        data: Mapping[str, Any] | None = None,
        binding: SessionBinding | None = None,
    ) -> None:
        self._sid = sid
        self._binding = binding
        self.cookie = cookie  # type-checked like any later assignment
        self.update(data or {})  # reserved keys refused, as for item assignment

    @classmethod
    def holding(
        cls, sid: str, cookie: SessionCookie, data: dict[str, Any], binding: SessionBinding | None
    ) -> Session:
        """A session whose data is ``data`` itself: a dict of its own, without the reserved
        keys (what :func:`record_data` returns). The constructor copies item by item."""
        _check_cookie(cookie)
        return cls.loaded(sid, cookie, data, binding)

    @classmethod
    def loaded(
        cls,
        sid: str,
        cookie: SessionCookie | StoredCookie,
        data: dict[str, Any],
        binding: SessionBinding | None,
    ) -> Session:
        """:meth:`holding`, with the cookie possibly a :class:`StoredCookie`: then built when
        ``cookie`` is first read (most requests never read it)."""
        if cls is Session:
            return loaded_session(sid, cookie, data, binding)
        session = cls.__new__(cls)  # a subclass may add fields: made as any other object
        _set_id(session, sid)
        _set_data(session, data)
        _set_binding(session, binding)
        _set_cookie(session, cookie)
        return session

    @property
    def cookie(self) -> SessionCookie:
        """The session's cookie (:class:`SessionCookie`); only one may be assigned."""
        cookie = self._cookie
        if type(cookie) is StoredCookie:  # a loaded session's, built on first read
            cookie = cookie.cookie()
            _set_cookie(self, cookie)
        return cookie  # type: ignore[return-value]

    @cookie.setter
    def cookie(self, value: SessionCookie) -> None:
        _check_cookie(value)
        _set_cookie(self, value)

    # -- attribute access to data ----------------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails: a stored name is found in the instance's
        # dict (the data) before this. Unstored private and dunder names stay AttributeErrors
        # so that copy, pickle-probing and introspection behave; other unstored names give
        # None, as JavaScript's undefined.
        if name.startswith("_"):
            raise AttributeError(name)
        return self.__dict__.get(name)

    def __delattr__(self, name: str) -> None:
        if name in _OWN_ATTRIBUTES or name in _class_names(type(self)):
            _refuse(name, "delete")
        self.__dict__.pop(name, None)  # like JavaScript's delete: absent is fine

    # -- MutableMapping --------------------------------------------------------------------

    def __getitem__(self, key: str) -> Any:
        return self.__dict__[key]

    def __setitem__(self, key: str, value: Any) -> None:
        if key == "cookie":  # session["cookie"] = SessionCookie(...) is session.cookie = ...
            _check_cookie(value)
            _set_cookie(self, value)
        elif key == META_KEY:
            raise ReservedSessionKey(key, value)
        else:
            self.__dict__[key] = value

    def __delitem__(self, key: str) -> None:
        del self.__dict__[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.__dict__)

    def __len__(self) -> int:
        return len(self.__dict__)

    def __copy__(self) -> Session:
        return Session(self.id, self.cookie, self.__dict__, self._binding)

    def __deepcopy__(self, memo: dict[int, Any]) -> Session:
        # The data and cookie are copied; the binding (the request) is shared, not cloned.
        return Session(
            self.id,
            copy.deepcopy(self.cookie, memo),
            copy.deepcopy(self.__dict__, memo),
            self._binding,
        )

    def __repr__(self) -> str:
        return f"Session(id={self.id!r}, data={self.__dict__!r})"

    # -- serialisation ---------------------------------------------------------------------

    def data(self) -> dict[str, Any]:
        """The session data without ``cookie`` (what "modified" is decided on)."""
        return self.__dict__

    def to_json(self) -> dict[str, Any]:
        """The stored form: ``{"cookie": {...}, **data}``, as express-session stores it.

        The real cookie is always the one written, whatever the data holds.
        """
        record: dict[str, Any] = {"cookie": None}  # first, where express-session puts it
        # Reserved keys can reach the data only through data() (item assignment refuses them);
        # the cookie is assigned after the data so that nothing there can stand in for it.
        record.update(
            (key, value) for key, value in self.__dict__.items() if key not in RESERVED_KEYS
        )
        record["cookie"] = self.cookie.to_json()
        return record

    # -- express-session's methods ---------------------------------------------------------

    def touch(self) -> Session:
        """Restart the cookie's lifetime (``expires = now + original_max_age``); returns self.

        Called automatically at the end of every request that has a session.
        """
        if type(self._cookie) is not StoredCookie:  # a stored one has no lifetime to restart
            self.cookie.reset_max_age()
        return self

    def reset_max_age(self) -> Session:
        """Same as :meth:`touch` (express-session's ``resetMaxAge``)."""
        return self.touch()

    resetMaxAge = reset_max_age

    def save(self, callback: Callback | None = None) -> SessionOperation:
        """Write the session to the store now, e.g. before a redirect.

        The response is held until every started operation has finished, so a client never
        sees a response before the session it depends on is stored.
        """
        return self._bound().save(self, callback)

    def destroy(self, callback: Callback | None = None) -> SessionOperation:
        """Delete the session: ``req.session`` becomes ``None`` at once, the record is removed.

        As in express-session, the cookie is not cleared (the next request simply gets a fresh
        session) unless the middleware's ``clear_on_destroy`` option is set.
        """
        return self._bound().destroy(self, callback)

    def regenerate(self, callback: Callback | None = None) -> SessionOperation:
        """Delete this record and give the request a new empty session with a new id.

        Call it after login to prevent session fixation. Data is not copied (as Express).
        """
        operation = self._bound().regenerate(self, callback)
        return operation if callback is not None else operation.must_be_used("regenerate")

    def reload(self, callback: Callback | None = None) -> SessionOperation:
        """Replace ``req.session`` with the copy in the store (error if it is gone)."""
        operation = self._bound().reload(self, callback)
        return operation if callback is not None else operation.must_be_used("reload")

    def _bound(self) -> SessionBinding:
        """The request this session belongs to; sessions built by hand have none."""
        if self._binding is None:
            raise RuntimeError("this session is not attached to a request")
        return self._binding

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _shield_methods(cls)  # a subclass's own methods, like Session's


class _Shielded:
    """A method of a :class:`Session` class that its data cannot hide.

    A session's data is its instance dict, and Python finds a name in the instance dict
    before a plain function on the class: ``sess["save"] = 1`` would make ``sess.save`` the
    number. As a data descriptor (it has ``__set__``) the method comes first again; it binds
    as the method it wraps does, on an instance and on the class alike.
    """

    __slots__ = ("method", "name")

    def __init__(self, name: str, method: Any) -> None:
        self.name = name
        self.method = method

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        return self.method.__get__(instance, owner)

    def __set__(self, instance: object, value: object) -> None:
        _refuse(self.name)

    def __delete__(self, instance: object) -> None:
        _refuse(self.name, "delete")


class _MetadataName:
    """``session._expresspy``: the record's lifetime metadata, never data (see
    :class:`ReservedSessionKey`). Set as an attribute it is refused as it is as an item; read,
    it is the stored metadata a raw ``data()`` holds, else an ``AttributeError`` as for any
    unstored ``_``-led name."""

    __slots__ = ()

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        try:
            return instance.__dict__[META_KEY]
        except KeyError:
            raise AttributeError(META_KEY) from None

    def __set__(self, instance: object, value: object) -> None:
        raise ReservedSessionKey(META_KEY, value)

    def __delete__(self, instance: object) -> None:
        _refuse(META_KEY, "delete")


def _refuse(name: str, action: str = "set") -> None:
    """Raise the ``AttributeError`` of an assignment (or deletion) of a session's own
    attribute ``name``."""
    if action == "set":
        raise AttributeError(
            f"cannot set session attribute {name!r}: it is reserved; "
            f"use item access instead: session[{name!r}] = ..."
        )
    raise AttributeError(f"cannot delete session attribute {name!r}")


#: Dunder names that code reads from an instance, not its class (copy.deepcopy does).
_READ_FROM_INSTANCE = frozenset({"__deepcopy__"})


def _shield_methods(cls: type) -> None:
    """Make the methods of ``cls`` (its own and those it inherits) :class:`_Shielded`.

    Dunder names are left alone: Python reads them from the class for its operators
    (``len``, ``in``, ``==``), and a descriptor there would break those, except the few
    that code reads from the instance (``_READ_FROM_INSTANCE``).
    """
    for name in dir(cls):
        if name.startswith("__") and name not in _READ_FROM_INSTANCE:
            continue
        for base in cls.__mro__:
            if name in base.__dict__:
                method = base.__dict__[name]
                if isinstance(method, (FunctionType, classmethod, staticmethod)):
                    setattr(cls, name, _Shielded(name, method))
                break


_shield_methods(Session)


def _refuse_id(session: Session, value: object) -> None:
    _refuse("id")


def _refuse_id_deletion(session: Session) -> None:
    _refuse("id", "delete")


# The slot read by C code (attrgetter): a property over a Python getter would cost each read
# a Python call, and the middleware reads the id several times a request.
setattr(  # noqa: B010 - a runtime property where type checkers see the one above
    Session,
    "id",
    property(
        attrgetter("_sid"),
        _refuse_id,
        _refuse_id_deletion,
        doc="The session id (read-only; ``regenerate()`` makes a new session with a new id).",
    ),
)
setattr(Session, META_KEY, _MetadataName())

# The slots' own setters, for the class's own code (Session.loaded, the cookie's setter).
_set_id = _SessionSlots._sid.__set__  # type: ignore[attr-defined]
_set_data = _SessionSlots.__dict__["__dict__"].__set__
_set_binding = Session._binding.__set__  # type: ignore[union-attr]
_set_cookie = Session._cookie.__set__  # type: ignore[union-attr]


def loaded_session(
    sid: str,
    cookie: SessionCookie | StoredCookie,
    data: dict[str, Any],
    binding: SessionBinding | None,
) -> Session:
    """``Session.loaded(sid, cookie, data, binding)`` (a :class:`Session` itself, not a
    subclass), without the class method's lookup on the class: a request loads one."""
    filling = _Filling()
    filling._sid = sid
    filling.__dict__ = data
    filling._binding = binding
    filling._cookie = cookie
    filling.__class__ = Session  # type: ignore[assignment]
    return filling  # type: ignore[return-value]  # a Session now


#: The attribute names of each session class (see _class_names).
_CLASS_NAMES: dict[type, frozenset[str]] = {}


def _class_names(cls: type) -> frozenset[str]:
    """The names ``hasattr(cls, name)`` finds (the class's, its bases' and its metaclass's),
    read once per class: ``hasattr`` pays for an AttributeError, with its formatted message,
    on every miss, and a data name is a miss on each ``del req.session.name``."""
    names = _CLASS_NAMES.get(cls)
    if names is None:
        names = _CLASS_NAMES[cls] = frozenset(dir(cls)) | frozenset(dir(type(cls)))
    return names


def _check_cookie(value: object) -> None:
    """Refuse anything but a :class:`SessionCookie` as the session's cookie."""
    if not isinstance(value, SessionCookie):
        raise ReservedSessionKey("cookie", value)


def session_from_record(sid: str, record: Mapping[str, Any], binding: SessionBinding) -> Session:
    """Rebuild a :class:`Session` from a stored record (express-session's createSession).

    Raises ``ValueError`` when the record has no valid cookie (express-session fails the
    request then too: a corrupt record is an error, not a reason to log the user out).
    """
    cookie_data = record.get("cookie")
    if not isinstance(cookie_data, Mapping):
        raise ValueError("session record has no cookie object")
    return Session.holding(sid, SessionCookie.from_json(cookie_data), record_data(record), binding)
