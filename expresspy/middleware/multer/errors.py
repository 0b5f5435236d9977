"""`MulterError`: multer's error type, its codes and messages, and busboy's parse errors."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["MESSAGES", "FormError", "MulterError"]

#: multer 2.x's message for each code (lib/multer-error.js).
MESSAGES: Mapping[str, str] = {
    "LIMIT_PART_COUNT": "Too many parts",
    "LIMIT_FILE_SIZE": "File too large",
    "LIMIT_FILE_COUNT": "Too many files",
    "LIMIT_FIELD_KEY": "Field name too long",
    "LIMIT_FIELD_VALUE": "Field value too long",
    "LIMIT_FIELD_COUNT": "Too many fields",
    "LIMIT_UNEXPECTED_FILE": "Unexpected file field",
    "MISSING_FIELD_NAME": "Field name missing",
    "LIMIT_FIELD_NESTING": "Field name nesting too deep",
    "LIMIT_FIELD_ARRAY_INDEX": "Field name array index too large",
    "STREAM_DESTROYED": "File stream was destroyed",
    "INVALID_FIELD_NAME": "Invalid field name",
}


class MulterError(Exception):
    """An upload refused by a limit or by the route's file rules, as multer reports it.

    `code` is one of `MESSAGES`' keys (check it rather than the message); `field` names the
    form field concerned and `filename` the client's file name, each None when multer leaves
    it out. Like multer's, the error carries no HTTP status: Express's default error handler
    (and expresspy's) answers 500, so an app that wants a 400 or 413 maps `code` itself.
    """

    name = "MulterError"

    def __init__(self, code: str, field: str | None = None, filename: str | None = None) -> None:
        self.code = code
        self.message = MESSAGES.get(code, f"Unknown error: {code}")
        super().__init__(self.message)
        # multer sets these only when given (a falsy value leaves them undefined)
        self.field = field or None
        self.filename = filename or None

    def __repr__(self) -> str:
        return f"MulterError({self.code!r}, field={self.field!r})"


class FormError(Exception):
    """A body busboy cannot read ("Unexpected end of form", "Malformed part header", ...).

    A plain error without a status, as busboy's `Error` is: the default handler answers 500.
    """

    name = "Error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
