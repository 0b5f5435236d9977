"""An in-memory table of records with integer ids, safe to use from several threads."""

import threading
from collections.abc import Callable
from typing import Any

from expresspy import HTTPError


class Table:
    """Records by id. Plain `def` handlers run in a thread pool, hence the lock."""

    def __init__(self) -> None:
        self._rows: dict[int, dict[str, Any]] = {}
        self._next_id = 1
        self._lock = threading.Lock()

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._rows.values())

    def get(self, id: int) -> dict[str, Any] | None:
        with self._lock:
            return self._rows.get(id)

    def insert(self, fields: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            row = {"id": self._next_id, **fields}
            self._rows[self._next_id] = row
            self._next_id += 1
            return row

    def update(self, id: int, fields: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._rows[id] = {**self._rows[id], **fields, "id": id}
            return self._rows[id]

    def delete(self, id: int) -> None:
        with self._lock:
            self._rows.pop(id, None)


def loader(table: Table, kind: str) -> Callable[..., None]:
    """A `router.param` callback: put the row named by the parameter on `req.<kind>`, or 404."""

    def load(req: Any, res: Any, next: Callable[..., None], value: str, name: str) -> None:
        row = table.get(int(value)) if value.isdigit() else None
        if row is None:
            raise HTTPError(404, f"no {kind} with id {value}")
        setattr(req, kind, row)
        next()

    return load


authors = Table()
books = Table()
