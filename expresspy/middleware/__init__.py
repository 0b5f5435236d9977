"""The built-in middleware: body parsers, static files, cookies, uploads, logging, CORS, gzip,
virtual hosts.

    from expresspy import express
    from expresspy.middleware import cookie_parser, cors, logger

    app.use(logger("dev"), cors(), cookie_parser("secret"), express.json())

Each middleware lives in the module of its name (`expresspy.middleware.cors` holds `cors`);
the names imported here are the functions, not the modules. See docs/middleware.md.
"""

from __future__ import annotations

from expresspy.middleware.body import json, raw, text, urlencoded
from expresspy.middleware.compression import compression
from expresspy.middleware.cookie_parser import cookie_parser
from expresspy.middleware.cors import cors
from expresspy.middleware.csrf import csrf
from expresspy.middleware.flash import flash
from expresspy.middleware.helmet import helmet
from expresspy.middleware.logger import logger
from expresspy.middleware.method_override import method_override
from expresspy.middleware.multer import multer
from expresspy.middleware.multipart import multipart
from expresspy.middleware.rate_limit import rate_limit, rateLimit
from expresspy.middleware.static import static
from expresspy.middleware.vhost import vhost

__all__ = [
    "compression",
    "cookie_parser",
    "cors",
    "csrf",
    "flash",
    "helmet",
    "json",
    "logger",
    "method_override",
    "multer",
    "multipart",
    "rateLimit",
    "rate_limit",
    "raw",
    "static",
    "text",
    "urlencoded",
    "vhost",
]
