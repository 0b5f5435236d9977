"""Content negotiation: pick the best offered value for an Accept-style header, with q-values.

The rules of the npm package negotiator (used by Express's accepts): a q of 0 refuses; among
equal q, the more specific range wins, then the earlier one in the header, then the earlier
offer; with no header, every offer is acceptable in the order given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class _Range:
    value: str  # "text/html", "text/*", "*/*", "gzip", "en-us", ...
    q: float
    index: int


def parse_ranges(header: str) -> list[_Range]:
    """Split an Accept-style header into ranges with their q-values, in header order."""
    ranges: list[_Range] = []
    for index, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        value = pieces[0].strip().lower()
        if not value:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, raw = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(raw.strip())
                except ValueError:
                    q = 0.0
        ranges.append(_Range(value, q, index))
    return ranges


def _media_specificity(range_value: str, offer: str) -> int:
    """How specifically a media range matches an offer: -1 no match, else 0..3."""
    rtype, _, rsub = range_value.partition("/")
    otype, _, osub = offer.lower().partition("/")
    osub = osub.split(";", 1)[0].strip()
    if rtype != "*" and rtype != otype:
        return -1
    if rsub != "*" and rsub != osub:
        return -1
    return (rtype != "*") * 2 + (rsub != "*")


def _plain_specificity(range_value: str, offer: str) -> int:
    """Match for charsets, encodings and languages (`en` matches `en-US`)."""
    offer = offer.lower()
    if range_value == "*":
        return 0
    if range_value == offer:
        return 2
    if offer.startswith(range_value + "-") or range_value.startswith(offer + "-"):
        return 1
    return -1


def preferred(
    header: str | None, offers: Sequence[str], *, media: bool = True
) -> list[str]:
    """Return the acceptable offers, best first. With no header, all offers in order."""
    if header is None:
        return list(offers)
    ranges = parse_ranges(header)
    match = _media_specificity if media else _plain_specificity
    scored: list[tuple[float, int, int, int, str]] = []
    for offer_index, offer in enumerate(offers):
        best: tuple[float, int, int] | None = None
        for r in ranges:
            spec = match(r.value, offer)
            if spec < 0:
                continue
            candidate = (r.q, spec, -r.index)
            if best is None or (candidate[1], candidate[0]) > (best[1], best[0]):
                best = candidate
        if best is not None and best[0] > 0:
            scored.append((-best[0], -best[1], -best[2], offer_index, offer))
    scored.sort()
    return [item[4] for item in scored]


def accepted_media_types(header: str | None) -> list[str]:
    """The media ranges a client accepts, best first (for `req.accepts()` with no argument)."""
    if header is None:
        return ["*/*"]
    ranges = [r for r in parse_ranges(header) if r.q > 0]
    ranges.sort(key=lambda r: (-r.q, r.index))
    return [r.value for r in ranges]

