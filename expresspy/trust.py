"""The `trust proxy` setting compiled into a function `(address, hop) -> bool`, as proxy-addr.

Accepted values, as in Express: True (trust every hop), False (none), an int n (the n closest
hops), a comma-separated string or a list of addresses, CIDR ranges and the presets
"loopback", "linklocal" and "uniquelocal", or a function of (address, hop index).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

TrustFunction = Callable[[str, int], bool]

PRESETS: dict[str, tuple[str, ...]] = {
    "loopback": ("127.0.0.1/8", "::1/128"),
    "linklocal": ("169.254.0.0/16", "fe80::/10"),
    "uniquelocal": ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"),
}

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(spec: str) -> list[Network]:
    spec = spec.strip()
    if spec in PRESETS:
        return [n for item in PRESETS[spec] for n in _networks(item)]
    try:
        return [ipaddress.ip_network(spec, strict=False)]
    except ValueError as exc:
        raise ValueError(f"invalid IP address or range in trust proxy: {spec!r}") from exc


def _parse_address(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return parsed.ipv4_mapped
    return parsed


def compile_trust(value: Any) -> TrustFunction:
    """Compile a `trust proxy` value; raises ValueError for an unparsable address."""
    if callable(value):
        return value  # type: ignore[no-any-return]
    if value is True:
        return lambda address, hop: True
    if value is False or value is None:
        return lambda address, hop: False
    if isinstance(value, int):
        hops = value
        return lambda address, hop: hop < hops
    items = value.split(",") if isinstance(value, str) else list(value)
    networks = [n for item in items for n in _networks(str(item))]

    def trusted(address: str, hop: int) -> bool:
        parsed = _parse_address(address)
        return parsed is not None and any(parsed in n for n in networks)

    return trusted
