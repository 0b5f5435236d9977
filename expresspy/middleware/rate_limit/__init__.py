"""Rate limiting as express-rate-limit 7 does it, with its memory store and a Redis store in
rate-limit-redis 4's layout. `rate_limit` (alias `rateLimit`) is documented in `limiter`.

    from expresspy.middleware import rate_limit
    from expresspy.middleware.rate_limit import MemoryStore, RedisStore
"""

from __future__ import annotations

from .limiter import RateLimit, RateLimitConfig, RateLimitInfo, rate_limit, rateLimit
from .memory import MemoryStore
from .redis import RedisStore
from .store import ClientRateLimitInfo, Store
from .validations import RateLimitValidationError

__all__ = [
    "ClientRateLimitInfo",
    "MemoryStore",
    "RateLimit",
    "RateLimitConfig",
    "RateLimitInfo",
    "RateLimitValidationError",
    "RedisStore",
    "Store",
    "rateLimit",
    "rate_limit",
]
