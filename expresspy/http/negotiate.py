"""Content negotiation exactly as the npm packages negotiator@1 and accepts@2 decide it.

Each Accept-style header is a list of entries with a q-value. For every offer the best
matching entry is found (most specific first, then highest q, then latest in the header);
acceptable offers (q > 0) are sorted by q, then specificity, then header order, then offer order.
The four headers differ only in how an entry matches an offer, so each is one small
`_Matcher` function in a table (`MATCHERS`), not four copies of the algorithm.

Quirks kept on purpose, because Express apps observe them:
- no Accept-Encoding header means only `identity` is acceptable (negotiator 1.x);
- a missing Accept, Accept-Charset or Accept-Language header accepts everything;
- an unparsable q (`q=abc`) makes the entry unacceptable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from expresspy.http import mime


@dataclass(frozen=True)
class Entry:
    """One element of an Accept-style header: its value, parameters, q-value and position."""

    value: str
    params: dict[str, str] = field(default_factory=dict)
    q: float = 1.0
    index: int = 0


_NUMBER_PREFIX = re.compile(r"\s*[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)")


def parse_float(text: str) -> float:
    """JavaScript's parseFloat: the longest numeric prefix, NaN when there is none."""
    found = _NUMBER_PREFIX.match(text)
    return float(found.group()) if found else float("nan")


def _split_params(text: str) -> tuple[str, dict[str, str]]:
    """Split `type;a=1;b="x;y"` into the type and its parameters (first occurrence wins)."""
    pieces: list[str] = []
    current: list[str] = []
    quoted = False
    escaped = False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    params: dict[str, str] = {}
    for piece in pieces[1:]:
        key, equals, value = piece.partition("=")
        if equals:
            params.setdefault(key.strip(" \t").lower(), value.strip(" \t"))
    return pieces[0].strip(" \t"), params


def _split_entries(header: str) -> list[str]:
    """Split a header on commas that are not inside a quoted parameter value."""
    entries: list[str] = []
    start = 0
    quoted = False
    for position, char in enumerate(header):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            entries.append(header[start:position])
            start = position + 1
    entries.append(header[start:])
    return entries


def parse_header(header: str) -> list[Entry]:
    """Parse an Accept-style header into entries, in header order (empty values dropped)."""
    entries: list[Entry] = []
    for index, raw in enumerate(_split_entries(header)):
        value, params = _split_params(raw)
        if not value:
            continue
        q_text = params.pop("q", None)
        entries.append(Entry(value, params, parse_float(q_text) if q_text else 1.0, index))
    return entries


# A matcher says how specifically an entry matches an offer: None for no match, else a score.
_Matcher = Callable[[Entry, str], "int | None"]


def _match_media(entry: Entry, offer: str) -> int | None:
    etype, slash, esub = entry.value.lower().partition("/")
    offer_type, offer_params = _split_params(offer)
    otype, _, osub = offer_type.lower().partition("/")
    if not slash:
        return None
    score = 0
    if etype == otype:
        score |= 4
    elif etype != "*":
        return None
    if esub == osub:
        score |= 2
    elif esub != "*":
        return None
    if entry.params:
        if not all(
            v == "*" or v.lower() == offer_params.get(k, "").lower()
            for k, v in entry.params.items()
        ):
            return None
        score |= 1
    return score


def _match_token(entry: Entry, offer: str) -> int | None:
    if entry.value.lower() == offer.lower():
        return 1
    return 0 if entry.value == "*" else None


def _match_language(entry: Entry, offer: str) -> int | None:
    full = entry.value.lower()
    prefix = full.split("-", 1)[0]
    wanted = _split_params(offer)[0].lower()
    if full == wanted:
        return 4
    if prefix == wanted:
        return 2
    if full == wanted.split("-", 1)[0]:
        return 1
    return 0 if full == "*" else None


MATCHERS: dict[str, _Matcher] = {
    "accept": _match_media,
    "accept-charset": _match_token,
    "accept-encoding": _match_token,
    "accept-language": _match_language,
}

# What a missing header means: everything (`*/*`, `*`), except for encodings (identity only).
_MISSING_HEADER = {
    "accept": "*/*",
    "accept-charset": "*",
    "accept-encoding": "",
    "accept-language": "*",
}


@dataclass(frozen=True)
class _Priority:
    q: float
    score: int
    entry_index: int
    offer_index: int

    def sort_key(self) -> tuple[float, int, int, int]:
        return (-self.q, -self.score, self.entry_index, self.offer_index)


def _entries_for(kind: str, header: str | None) -> list[Entry]:
    entries = parse_header(_MISSING_HEADER[kind] if header is None else header)
    if kind == "accept-encoding" and not any(
        _match_token(e, "identity") is not None for e in entries
    ):
        # negotiator adds identity with the lowest q present when the client did not mention it
        lowest = min([1.0, *(e.q if e.q == e.q and e.q else 1.0 for e in entries)])
        next_index = entries[-1].index + 1 if entries else 0
        entries.append(Entry("identity", {}, lowest, next_index))
    if kind == "accept":
        entries = [e for e in entries if "/" in e.value]
    return entries


def _priority(
    matcher: _Matcher, entries: Sequence[Entry], offer: str, offer_index: int
) -> _Priority | None:
    best: _Priority | None = None
    for entry in entries:
        score = matcher(entry, offer)
        if score is None:
            continue
        candidate = _Priority(entry.q, score, entry.index, offer_index)
        if best is None or (score, entry.q, entry.index) > (best.score, best.q, best.entry_index):
            best = candidate
    return best


def preferred(kind: str, header: str | None, offers: Sequence[str] | None = None) -> list[str]:
    """The acceptable `offers` for header `kind` ("accept", "accept-encoding", ...), best first.

    With `offers` None, the values the header accepts, best first (as negotiator lists them).
    """
    entries = _entries_for(kind, header)
    if offers is None:
        # negotiator sorts the bare list by q, then header order
        accepted = sorted((e for e in entries if e.q > 0), key=lambda e: (-e.q, e.index))
        return [e.value for e in accepted]
    matcher = MATCHERS[kind]
    ranked: list[tuple[tuple[float, int, int, int], str]] = []
    for offer_index, offer in enumerate(offers):
        priority = _priority(matcher, entries, offer, offer_index)
        if priority is not None and priority.q > 0:
            ranked.append((priority.sort_key(), offer))
    ranked.sort(key=lambda item: item[0])
    return [offer for _, offer in ranked]


def choose(kind: str, header: str | None, offers: Sequence[str]) -> str | list[str] | bool:
    """accepts@2: the best offer, False when none is acceptable, the accepted list with none.

    For "accept", offers may be extensions ("json", "html"): they are looked up as MIME types
    and the offer is returned as given. A missing or empty Accept header returns the first
    offer.
    """
    if not offers:
        return preferred(kind, header)
    if kind != "accept":
        found = preferred(kind, header, offers)
        return found[0] if found else False
    if not header:  # accepts checks the header for truthiness: empty means "anything"
        return offers[0]
    full = [offer if "/" in offer else mime.lookup(offer) for offer in offers]
    valid = [f for f in full if f is not None]
    found = preferred(kind, header, valid)
    if not found:
        return False
    return offers[full.index(found[0])]


def accepted_media_types(header: str | None) -> list[str]:
    """The media ranges a client accepts, best first (kept for request.py's current import)."""
    return preferred("accept", header)
