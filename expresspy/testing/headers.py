"""Case-insensitive, multi-valued response headers for the test client."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping


class Headers(Mapping[str, str]):
    """Response headers as received: case-insensitive names, repeated fields kept.

    ``headers["content-type"]`` reads one field. A field sent more than once reads as Node
    reads it: ``Set-Cookie`` joined with ``","`` (what JavaScript's ``Array#toString`` gives,
    so a supertest expectation ports unchanged), any other field joined with ``", "``.
    ``get_all(name)`` returns every value in order, ``raw`` every ``(name, value)`` pair as
    sent. Iteration yields lower-case names, each once.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._raw: list[tuple[str, str]] = list(pairs)
        self._values: dict[str, list[str]] = {}
        for name, value in self._raw:
            self._values.setdefault(name.lower(), []).append(value)

    @property
    def raw(self) -> list[tuple[str, str]]:
        """Every header field in the order it came, with its original spelling."""
        return list(self._raw)

    def get_all(self, name: str) -> list[str]:
        """Every value of field ``name`` in order; an empty list when it is absent."""
        return list(self._values.get(name.lower(), []))

    def __getitem__(self, name: str) -> str:
        values = self._values[name.lower()]
        separator = "," if name.lower() == "set-cookie" else ", "
        return separator.join(values)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Headers({self._raw!r})"
