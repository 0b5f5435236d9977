"""Routing: Router, Route, and the Express 5 path syntax."""

from expresspy.http.methods import HTTP_METHODS
from expresspy.router.pattern import PathError
from expresspy.router.route import Route
from expresspy.router.router import Router

__all__ = ["HTTP_METHODS", "PathError", "Route", "Router"]
