"""Request bodies as superagent builds them: JSON, urlencoded forms (qs style), multipart."""

from __future__ import annotations

import json
import mimetypes
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from expresspy.http import mime

JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"

#: superagent's own short names for ``.type()`` / ``.accept()``, beyond file extensions.
FORM_ALIASES = frozenset({"form", "urlencoded", "form-data"})


def resolve_type(name: str) -> str:
    """A full media type for ``.type()``: kept as is when it has a ``/``, else looked up
    as superagent does (``"json"``, ``"html"``, ``"png"``; ``"form"`` for urlencoded)."""
    if "/" in name:
        return name
    if name in FORM_ALIASES:
        return FORM_TYPE
    guessed = mime.lookup(name)
    if guessed is None:
        raise ValueError(f"unknown media type short name {name!r}; pass a full type/subtype")
    return guessed


def to_json(data: Any) -> bytes:
    """Compact JSON as ``JSON.stringify`` writes it (no spaces, non-ASCII kept)."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _qs_scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _qs_pairs(prefix: str, value: Any) -> list[tuple[str, str]]:
    if isinstance(value, Mapping):
        return [pair for key, item in value.items() for pair in _qs_pairs(f"{prefix}[{key}]", item)]
    if isinstance(value, (list, tuple)):
        return [pair for i, item in enumerate(value) for pair in _qs_pairs(f"{prefix}[{i}]", item)]
    return [(prefix, _qs_scalar(value))]


def to_form(data: Mapping[str, Any]) -> str:
    """Urlencode ``data`` as the ``qs`` package's ``stringify`` does by default.

    Nested mappings become ``a[b]=c``, lists ``a[0]=x&a[1]=y``, brackets percent-encoded;
    ``None`` becomes an empty value and booleans ``true``/``false``.
    """
    pairs = [pair for key, value in data.items() for pair in _qs_pairs(str(key), value)]
    return "&".join(f"{_qs_quote(name)}={_qs_quote(value)}" for name, value in pairs)


def _qs_quote(text: str) -> str:
    # qs encodes as encodeURIComponent does, which leaves these marks alone.
    return quote(text, safe="-_.!~*'()")


@dataclass(frozen=True)
class Part:
    """One multipart/form-data part: a plain field, or a file when ``filename`` is set."""

    name: str
    data: bytes
    filename: str | None = None
    content_type: str | None = None


def file_part(
    name: str,
    source: str | os.PathLike[str] | bytes,
    filename: str | None,
    content_type: str | None,
) -> Part:
    """A file part from a path (read now) or from bytes.

    The filename defaults to the path's base name, or to the field name for bytes; the type
    is guessed from the filename, ``application/octet-stream`` when unknown.
    """
    if isinstance(source, bytes):
        data, default_name = source, name
    else:
        path = Path(source)
        data, default_name = path.read_bytes(), path.name
    filename = filename or default_name
    guessed, _ = mimetypes.guess_type(filename, strict=False)
    return Part(name, data, filename, content_type or guessed or "application/octet-stream")


def multipart(parts: list[Part]) -> tuple[bytes, str]:
    """Encode ``parts`` as multipart/form-data; returns the body and its Content-Type."""
    # The form-data package's boundary shape: 26 dashes and 24 random digits.
    boundary = "-" * 26 + "".join(secrets.choice("0123456789") for _ in range(24))
    chunks: list[bytes] = []
    for part in parts:
        chunks.append(f"--{boundary}\r\n{_part_headers(part)}\r\n".encode())
        chunks.append(part.data + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def _part_headers(part: Part) -> str:
    disposition = f'form-data; name="{_quote_param(part.name)}"'
    if part.filename is None:
        return f"Content-Disposition: {disposition}\r\n"
    disposition += f'; filename="{_quote_param(part.filename)}"'
    return f"Content-Disposition: {disposition}\r\nContent-Type: {part.content_type}\r\n"


def _quote_param(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "")
