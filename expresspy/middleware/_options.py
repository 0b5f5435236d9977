"""Option handling shared by the built-in middleware: now :mod:`expresspy.options`, the one
options-and-units module; these names stay importable from here for existing imports."""

from __future__ import annotations

from expresspy.options import Middleware, gather, parse_bytes, snake

__all__ = ["Middleware", "gather", "parse_bytes", "snake"]
