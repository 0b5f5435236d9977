"""Routing: Router, Route, and the Express 5 path syntax."""

from expresspy.router.pattern import PathError
from expresspy.router.route import Route
from expresspy.router.router import HTTP_METHODS, Router

__all__ = ["HTTP_METHODS", "PathError", "Route", "Router"]
