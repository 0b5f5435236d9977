"""A `Secure` session cookie on a plain-HTTP request: say why the session does not stick.

express-session does not send a `Secure` cookie over a connection it does not consider secure
(the browser would drop it anyway), and says nothing: the app then seems to forget every
login. expresspy keeps the behaviour and logs it once per `session()` middleware, at WARNING on
the `expresspy.session` logger, with the two usual fixes.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

__all__ = ["warn_secure_cookie_over_http"]

log = logging.getLogger("expresspy.session")

_warned: set[int] = set()  # ids of the middlewares' options objects, removed when they die


def warn_secure_cookie_over_http(options: object, req: Any) -> None:
    """Log, once for the middleware whose options are `options`, that `req` was not secure
    enough for its `Secure` cookie."""
    key = id(options)
    if key in _warned:
        return
    _warned.add(key)
    weakref.finalize(options, _warned.discard, key)
    log.warning(
        "session(): the session cookie is Secure but %s %s came over plain HTTP, so no "
        "Set-Cookie was sent and the session will not persist. Behind a proxy that terminates "
        'TLS, app.set("trust proxy", 1) (or session(proxy=True)); to serve plain HTTP in '
        'development, use cookie={"secure": "auto"} (Secure only over HTTPS)',
        req.method,
        str(req.original_url).split("?", 1)[0],
    )
