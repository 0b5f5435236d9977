"""supertest's ``.expect(...)`` forms, each checked against a response with its wording."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from expresspy.http.statuses import STATUS_PHRASES
from expresspy.testing.response import TestResponse

#: How much of an unexpected body a failed status expectation shows.
BODY_PREVIEW_CHARS = 500


class _Missing:
    """The "no second argument" marker of ``expect(a, b)``."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def _phrase(status: int) -> str:
    # Node's STATUS_CODES gives undefined for an unknown code; supertest prints it so.
    return STATUS_PHRASES.get(status, "undefined")


def _pattern(regex: re.Pattern[str]) -> str:
    return f"/{regex.pattern}/"


def _preview(response: TestResponse) -> str:
    text = response.text
    if len(text) > BODY_PREVIEW_CHARS:
        text = text[:BODY_PREVIEW_CHARS] + "…"
    return f"\nresponse body: {text!r}" if text else ""


class Expectation:
    """One check; ``failure`` returns the message of a failed check or ``None``."""

    def failure(self, response: TestResponse) -> str | None:
        """Check ``response``; the supertest wording of what went wrong, or ``None``."""
        raise NotImplementedError


@dataclass(frozen=True)
class StatusIs(Expectation):
    """``.expect(200)``."""

    status: int

    def failure(self, response: TestResponse) -> str | None:
        """None when the status is the expected one, else supertest's status message."""
        if response.status == self.status:
            return None
        return (
            f'expected {self.status} "{_phrase(self.status)}", '
            f'got {response.status} "{_phrase(response.status)}"' + _preview(response)
        )


@dataclass(frozen=True)
class StatusIn(Expectation):
    """``.expect([200, 404])``."""

    statuses: tuple[int, ...]

    def failure(self, response: TestResponse) -> str | None:
        """None when the status is one of the expected ones, else which were expected."""
        if response.status in self.statuses:
            return None
        expected = ", ".join(str(status) for status in self.statuses)
        return (
            f'expected one of "{expected}", got {response.status} "{_phrase(response.status)}"'
            + _preview(response)
        )


@dataclass(frozen=True)
class BodyIs(Expectation):
    """``.expect("text")``, ``.expect(b"bytes")``, ``.expect(re.compile(...))``, ``.expect({...})``.

    A str is compared with ``text``, bytes with ``content``, a pattern is searched in
    ``text``, anything else (dict, list, number) is compared with the parsed ``body``.
    """

    expected: Any

    def failure(self, response: TestResponse) -> str | None:
        """None when the body equals (or matches) the expected one, else both bodies."""
        expected = self.expected
        if isinstance(expected, re.Pattern):
            if expected.search(response.text):
                return None
            return f"expected body {response.text!r} to match {_pattern(expected)}"
        actual = _actual_body(expected, response)
        if actual == expected and type(actual) is type(expected):
            return None
        return f"expected {expected!r} response body, got {actual!r}"


def _actual_body(expected: Any, response: TestResponse) -> Any:
    if isinstance(expected, str):
        return response.text
    if isinstance(expected, bytes):
        return response.content
    return response.body


@dataclass(frozen=True)
class HeaderIs(Expectation):
    """``.expect("Content-Type", "text/html")`` or with a compiled pattern."""

    name: str
    value: str | int | re.Pattern[str]

    def failure(self, response: TestResponse) -> str | None:
        """None when the header equals (or matches) the expected value, else both."""
        actual = response.headers.get(self.name)
        if actual is None:
            return f'expected "{self.name}" header field'
        if isinstance(self.value, re.Pattern):
            if self.value.search(actual):
                return None
            return f'expected "{self.name}" matching {_pattern(self.value)}, got "{actual}"'
        if actual == str(self.value):
            return None
        return f'expected "{self.name}" of "{self.value}", got "{actual}"'


@dataclass(frozen=True)
class Satisfies(Expectation):
    """``.expect(fn)``: ``fn(response)`` fails by raising (or returning an exception)."""

    check: Callable[[TestResponse], Any]

    def failure(self, response: TestResponse) -> str | None:
        """None when `check(response)` passes; an exception it returns is the failure (a raised
        AssertionError propagates)."""
        # An AssertionError raised by the check goes up to check_all, which keeps it as the
        # cause so its traceback still shows where the check failed.
        returned = self.check(response)
        if isinstance(returned, BaseException):
            return str(returned) or "check failed"
        return None


def _is_status_list(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple))
        and len(value) > 0
        and all(isinstance(item, int) and not isinstance(item, bool) for item in value)
    )


def build(a: Any, b: Any = MISSING) -> list[Expectation]:
    """Turn the arguments of one ``.expect(a[, b])`` call into checks, as supertest does.

    ``expect(200)``; ``expect(200, body)``; ``expect([200, 404])``; ``expect(name, value)``
    with a str, int or compiled pattern value; ``expect(body)``; ``expect(fn)``.
    """
    if callable(a) and not isinstance(a, re.Pattern):
        return [Satisfies(a)]
    if isinstance(a, int) and not isinstance(a, bool):
        return [StatusIs(a)] if b is MISSING else [StatusIs(a), BodyIs(b)]
    if _is_status_list(a):
        return [StatusIn(tuple(a))]
    if b is MISSING:
        return [BodyIs(a)]
    if isinstance(a, str) and isinstance(b, (str, int, re.Pattern)):
        return [HeaderIs(a, b)]
    raise TypeError(f"unsupported expect() arguments: {a!r}, {b!r}")


def check_all(expectations: Sequence[Expectation], response: TestResponse) -> None:
    """Run ``expectations`` in order; the first failure raises ``AssertionError``.

    The message names the request first: ``GET /users: expected 200 "OK", got 404 …``.
    """
    for expectation in expectations:
        try:
            message = expectation.failure(response)
        except AssertionError as exc:
            detail = str(exc) or "check failed"
            raise AssertionError(f"{response.request_line}: {detail}") from exc
        if message is not None:
            raise AssertionError(f"{response.request_line}: {message}")
