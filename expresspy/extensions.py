"""`app.request` and `app.response`: per-app additions to every `req` and `res`.

Express lets an app add to the prototypes of its requests and responses
(`app.response.message = function (msg) {...}`); a sub-app sees its parents' additions. Here
each app has two `Extensions` namespaces, and `Request`/`Response` look a missing attribute up
in them. A function becomes a method whose first parameter receives the `req` or `res`:

    app.response.message = lambda res, text: res.locals.setdefault("messages", []).append(text)
"""

from __future__ import annotations

import inspect
import types
from typing import TYPE_CHECKING, Any

MISSING: Any = object()


class Extensions:
    """A namespace of attributes added to every request or response of an app."""

    def lookup(self, name: str) -> Any:
        """The attribute `name` if it was set here, else `MISSING`."""
        return self.__dict__.get(name, MISSING)

    if TYPE_CHECKING:
        # Any name may be set and read back (that is the point of the namespace); declared for
        # type checkers only, so a missing name still raises AttributeError at run time.
        def __setattr__(self, name: str, value: Any) -> None: ...

        def __getattr__(self, name: str) -> Any: ...


def find_extension(app: Any, kind: str, name: str, target: Any) -> Any:
    """Look `name` up in `app.<kind>` and its parents' (kind: "request" or "response").

    Returns the value (a function bound to `target`), or `MISSING` when no app set it.
    """
    while app is not None:
        found = getattr(app, kind).lookup(name)
        if found is not MISSING:
            return types.MethodType(found, target) if inspect.isfunction(found) else found
        app = app.parent
    return MISSING
