"""HTTP errors: the Python counterpart of the npm package http-errors.

Raise `HTTPError(404)` in a handler, or pass it to `next()`, and the error flow answers with that
status. Any exception with an integer `status` or `status_code` attribute between 400 and 599 is
treated the same way by the default error handler, as Express treats `err.status`.
"""

from __future__ import annotations

from collections.abc import Mapping

from expresspy.http.statuses import phrase


class HTTPError(Exception):
    """An error that carries an HTTP status.

    `status` (alias `status_code`) is the HTTP status, `message` defaults to its reason phrase,
    `expose` says whether the message is safe to show a client (True for 4xx, as http-errors
    decides), `headers` are added to the error response by the default handler, and `type` is a
    machine-readable tag such as body-parser's "entity.too.large".
    """

    def __init__(
        self,
        status: int = 500,
        message: str | None = None,
        *,
        expose: bool | None = None,
        headers: Mapping[str, str] | None = None,
        type: str | None = None,
        **properties: object,
    ) -> None:
        if not isinstance(status, int) or not 400 <= status <= 599:
            status = 500
        self.status = status
        self.message = message if message is not None else phrase(status)
        self.expose = status < 500 if expose is None else expose
        self.headers = dict(headers) if headers else None
        self.type = type
        for key, value in properties.items():
            setattr(self, key, value)
        super().__init__(self.message)

    @property
    def status_code(self) -> int:
        """The HTTP status (the same as `status`; http-errors sets both)."""
        return self.status

    @property
    def statusCode(self) -> int:
        """Alias of `status_code`."""
        return self.status

    def __repr__(self) -> str:
        return f"HTTPError({self.status}, {self.message!r})"


def status_of(err: BaseException) -> int | None:
    """Return the HTTP status an error asks for (its `status`, else `status_code`), if valid.

    Mirrors finalhandler: only integers between 400 and 599 count.
    """
    for attr in ("status", "status_code", "statusCode"):
        value = getattr(err, attr, None)
        if isinstance(value, int) and not isinstance(value, bool) and 400 <= value <= 599:
            return value
    return None
