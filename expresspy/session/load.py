"""Telling load from outage in networked stores.

A store whose connection pool is full is healthy but busy: the request should get
:class:`SessionStoreBusy` (503, "busy"), not the client library's connection error, which the
middleware would report as "the store is unreachable". Each store says which of its errors
mean "busy" with a small function; :func:`reports_load` applies it to the store's methods.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from .errors import SessionStoreBusy

__all__ = ["Classifier", "reports_load"]

S = TypeVar("S")
T = TypeVar("T")
P = ParamSpec("P")

#: ``(store, operation, error) -> SessionStoreBusy | None``: the busy error ``error`` stands
#: for, or None when it means something else (it is then raised unchanged).
Classifier = Callable[[Any, str, Exception], SessionStoreBusy | None]


def reports_load(
    classify: Classifier,
) -> Callable[
    [Callable[Concatenate[S, P], Awaitable[T]]], Callable[Concatenate[S, P], Awaitable[T]]
]:
    """Decorate an async store method so the errors ``classify`` recognises are raised as
    :class:`SessionStoreBusy` (with the original as its cause)."""

    def decorate(
        method: Callable[Concatenate[S, P], Awaitable[T]],
    ) -> Callable[Concatenate[S, P], Awaitable[T]]:
        @functools.wraps(method)
        async def call(store: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return await method(store, *args, **kwargs)
            except Exception as exc:
                busy = classify(store, method.__name__, exc)
                if busy is None:
                    raise
                raise busy from exc

        return call

    return decorate
