"""Session patches: what one request changed, applied to whatever is stored now.

Stores that implement ``merge(sid, patch)`` apply a :class:`SessionPatch` to the stored record
atomically (MemoryStore on the event loop, SQLiteStore in one ``BEGIN IMMEDIATE`` transaction,
RedisStore with one server-side script, PostgresStore in one transaction holding the row
lock). The middleware uses it in two ways:

* in every mode, a save of a session that was loaded from the store is a *replacing* patch with
  ``create=False``: it overwrites the record only if the record still exists, so a request that
  finishes after a concurrent ``destroy()`` (a logout) never brings the session back;
* with ``concurrency="merge"`` it sends only the top-level keys the request changed, so two
  concurrent requests that change different keys both keep their change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .store import JSON, SessionRecord

__all__ = ["META_KEY", "RESERVED_KEYS", "SessionPatch", "apply_patch", "diff", "record_data"]

#: The top-level record key holding expresspy's own metadata (creation and last access times,
#: in ms). It is not part of ``req.session``; a Node app sharing the store sees it as data and
#: keeps it.
META_KEY = "_expresspy"

_ABSENT = object()
#: Record keys that are not session data: the cookie and expresspy's metadata. ``req.session``
#: refuses them as data keys, since a data key of that name would replace them in the record.
RESERVED_KEYS = frozenset({"cookie", META_KEY})


def record_data(record: Mapping[str, Any]) -> dict[str, Any]:
    """The session data of a stored record: everything but ``cookie`` and ``META_KEY``.

    This is what ``req.session`` holds and what is hashed and diffed to find changes.
    """
    data = dict(record)  # a copy less its two reserved keys (C calls, not a loop per key)
    data.pop("cookie", None)
    data.pop(META_KEY, None)
    return data


@dataclass(frozen=True)
class SessionPatch:
    """The changes one request makes to one record.

    ``set`` holds new values by key and ``unset`` the keys removed. ``cookie`` and ``meta``
    replace the stored ones (``meta`` is left alone when ``None``). ``replace=True`` makes the
    record exactly ``set`` plus cookie and meta (a whole-record save). ``create=False`` means
    "only if the record still exists": a missing record stays missing.
    """

    cookie: Mapping[str, Any]
    set: Mapping[str, Any] = field(default_factory=dict)
    unset: tuple[str, ...] = ()
    meta: Mapping[str, Any] | None = None
    create: bool = False
    replace: bool = False

    @classmethod
    def whole(cls, record: SessionRecord, *, create: bool) -> SessionPatch:
        """A patch that stores ``record`` as it is."""
        return cls(
            record["cookie"], record_data(record), (), record.get(META_KEY), create, replace=True
        )

    def is_empty(self) -> bool:
        """True when the patch changes no data (it may still move the cookie and meta)."""
        return not self.set and not self.unset and not self.replace


def diff(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    cookie: Mapping[str, Any],
    meta: Mapping[str, Any] | None,
    *,
    create: bool,
) -> SessionPatch:
    """The patch that turns ``before`` into ``after``, comparing each key's JSON.

    A key counts as changed when its serialised value differs, so changes deep inside a
    value are found (the whole top-level value is then written).
    """
    changed = {
        key: value
        for key, value in after.items()
        if _json(before.get(key, _ABSENT)) != _json(value)
    }
    removed = tuple(key for key in before if key not in after)
    return SessionPatch(cookie, changed, removed, meta, create)


def _json(value: Any) -> str | None:
    return None if value is _ABSENT else JSON.dumps(value)


def apply_patch(record: SessionRecord | None, patch: SessionPatch) -> SessionRecord | None:
    """The record after ``patch``; ``None`` when there is none and the patch may not create."""
    if record is None and not patch.create:
        return None
    merged: SessionRecord = {} if patch.replace or record is None else dict(record)
    old_meta = None if record is None else record.get(META_KEY)
    merged.update(patch.set)
    for key in patch.unset:
        merged.pop(key, None)
    # The cookie goes first (where express-session puts it) and is assigned after the data,
    # like the metadata: a data key of either name can never stand in for them.
    result: SessionRecord = {"cookie": None, **merged}
    result["cookie"] = dict(patch.cookie)
    meta = patch.meta if patch.meta is not None else old_meta
    if meta is not None:
        result[META_KEY] = dict(meta)
    return result
