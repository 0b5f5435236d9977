"""What helmet's header modules share: option gathering, JSON-quoting for helmet's messages,
and the middleware that runs a list of header parts."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Final

from expresspy.http.jsontext import stringify
from expresspy.middleware._options import Middleware, gather

#: What one header's part of helmet does to a response: None, or the error for `next(err)`.
Apply = Callable[[Any, Any], Awaitable[BaseException | None]]

UNSET: Final = object()


def js(value: Any) -> str:
    """JSON.stringify(value), as helmet's messages quote what they received."""
    if isinstance(value, float) and not math.isfinite(value):
        return "null"
    try:
        return stringify(value)
    except (TypeError, ValueError):
        return repr(value)


def options_of(
    owner: str, given: Mapping[str, Any] | None, keywords: Mapping[str, Any], names: Sequence[str]
) -> dict[str, Any]:
    """The options of one header, snake_case, with `UNSET` for the ones not given."""
    if given is not None and not isinstance(given, Mapping):
        raise TypeError(f"{owner}: options must be a dict, not {type(given).__name__}")
    return gather(owner, given, keywords, dict.fromkeys(names, UNSET))


def given_or(value: Any, default: Any) -> Any:
    """`value`, or `default` when it was not given (UNSET) or is None."""
    return default if value is UNSET or value is None else value


def middleware(name: str, parts: Sequence[Apply]) -> Middleware:
    """One middleware running `parts` in order; the first error goes to `next(err)`."""

    async def run(req: Any, res: Any, next: Callable[..., None]) -> None:
        for part in parts:
            error = await part(req, res)
            if error is not None:
                next(error)
                return
        next()

    run.__name__ = run.__qualname__ = name
    return run


def set_header(header: str, value: str) -> Apply:
    """A part that sets one fixed header."""

    async def apply(_req: Any, res: Any) -> BaseException | None:
        res.set_header(header, value)
        return None

    return apply
