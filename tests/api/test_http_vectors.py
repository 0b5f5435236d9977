"""The HTTP policy modules against vectors recorded from Express 5.3's own dependencies.

`vectors/express_vectors.json` was produced by running accepts@2 (negotiator 1.1),
content-disposition@2, range-parser@1.3, fresh@2, type-is@2, vary@1 and encodeurl@2 under
Node on each input listed there; every row is one exact expectation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from expresspy.http.disposition import content_disposition
from expresspy.http.fresh import is_fresh
from expresspy.http.headers import vary_value
from expresspy.http.negotiate import choose
from expresspy.http.ranges import parse_range
from expresspy.http.text import encode_url
from expresspy.http.typeis import type_is

VECTORS: dict[str, list[Any]] = json.loads(
    (Path(__file__).parent / "vectors" / "express_vectors.json").read_text("utf-8")
)


@pytest.mark.parametrize("kind,header,offers,expected", VECTORS["negotiation"])
def test_negotiation_matches_accepts(
    kind: str, header: str | None, offers: list[str], expected: Any
) -> None:
    assert choose(kind, header, offers) == expected


@pytest.mark.parametrize("row", VECTORS["disposition"])
def test_content_disposition_matches(row: list[Any]) -> None:
    filename, expected = row[0], row[1]
    fallback = row[2] if len(row) > 2 else True
    disposition = row[3] if len(row) > 3 else "attachment"
    assert content_disposition(filename, disposition, fallback) == expected


@pytest.mark.parametrize("size,header,combine,expected", VECTORS["range"])
def test_range_parser_matches(size: int, header: str, combine: bool, expected: Any) -> None:
    parsed = parse_range(size, header, combine=combine)
    if isinstance(parsed, int):
        assert parsed == expected
    else:
        assert {"type": parsed.type, "ranges": [[r.start, r.end] for r in parsed]} == expected


@pytest.mark.parametrize("request_headers,response_headers,expected", VECTORS["fresh"])
def test_fresh_matches(
    request_headers: dict[str, str], response_headers: dict[str, str], expected: bool
) -> None:
    etag, modified = response_headers.get("etag"), response_headers.get("last-modified")
    assert is_fresh(request_headers, etag, modified) is expected


@pytest.mark.parametrize("content_type,offers,expected", VECTORS["typeis"])
def test_type_is_matches(content_type: str, offers: list[str], expected: Any) -> None:
    assert type_is(content_type, offers) == expected


@pytest.mark.parametrize("current,fields,expected", VECTORS["vary"])
def test_vary_matches(current: Any, fields: Any, expected: str | None) -> None:
    assert (vary_value(current, fields) or None) == expected


@pytest.mark.parametrize("url,expected", VECTORS["encodeurl"])
def test_encodeurl_matches(url: str, expected: str) -> None:
    assert encode_url(url) == expected


def test_vectors_cover_every_family() -> None:
    assert {k: len(v) > 5 for k, v in VECTORS.items()} == dict.fromkeys(VECTORS, True)
