"""Content-Disposition values, as the npm package content-disposition@2 creates them.

A US-ASCII file name without `%XX` sequences is written as `filename=...` (unquoted when it
is a token). Any other name gets an ASCII fallback (non-ASCII characters as `?`) plus the
RFC 8187 form `filename*=UTF-8''...`.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from expresspy.http.headers import is_token

_ASCII_TEXT = re.compile(r"[\x20-\x7e]*")
_TEXT = re.compile(r"[\x20-\x7e\x80-\xff]*")
_HEX_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_NON_ASCII = re.compile(r"[^\x20-\x7e]")
# content-disposition percent-encodes encodeURIComponent's output again for ' ( ) *, so
# besides letters, digits and "-._~" (which quote() always keeps) only "!" stays literal.
_ATTR_SAFE = "!"


def encode_extended(value: str) -> str:
    """RFC 8187 `ext-value` of `value`: `UTF-8''` and percent-encoded UTF-8."""
    return "UTF-8''" + quote(value, safe=_ATTR_SAFE, encoding="utf-8")


def _quoted(value: str) -> str:
    return '"' + re.sub(r'[\\"]', lambda m: "\\" + m.group(), value) + '"'


def _parameter(name: str, value: str) -> str:
    if is_token(value):
        return f"; {name}={value}"
    if _TEXT.fullmatch(value):
        return f"; {name}={_quoted(value)}"
    raise TypeError(f"Invalid parameter value: {value}")


def content_disposition(
    filename: str | None = None, disposition: str = "attachment", fallback: bool | str = True
) -> str:
    """The Content-Disposition value for `filename` (None gives just the disposition type).

    `fallback` False omits the ASCII `filename=` when the name needs `filename*`; a string is
    used as that fallback (it must be US-ASCII).
    """
    if not is_token(disposition):
        raise TypeError(f"Invalid type: {disposition}")
    if filename is None:
        return disposition
    params: list[tuple[str, str]]
    if isinstance(fallback, str):
        if not _ASCII_TEXT.fullmatch(fallback):
            raise TypeError(f"Fallback must be valid US-ASCII: {fallback}")
        params = [("filename", fallback)]
        if fallback != filename:
            params.append(("filename*", encode_extended(filename)))
    elif _ASCII_TEXT.fullmatch(filename) and not _HEX_ESCAPE.search(filename):
        params = [("filename", filename)]
    else:
        params = [("filename*", encode_extended(filename))]
        if fallback is not False:
            params.insert(0, ("filename", _NON_ASCII.sub("?", filename)))
    return disposition + "".join(_parameter(name, value) for name, value in params)
