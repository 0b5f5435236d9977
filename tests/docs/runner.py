"""Child process of tests/docs/snippets.py: run code blocks in order, in one namespace.

Reads `[{"id", "code"}]` as JSON on stdin; prints one `@@result {"id", "error"}` line per
block (`error` is the traceback, or null). `app.listen()` starts the real server on a free
port, calls its callback, makes one request, and stops, instead of serving forever.
"""

from __future__ import annotations

import contextlib
import json
import sys
import traceback
from typing import Any


def listen_once(app: Any, *args: Any, **keywords: Any) -> None:
    """`app.listen` for the docs (any of its forms): serve for one request on a free port,
    then stop."""
    import urllib.error
    import urllib.request

    from expresspy.listen import listen_target
    from expresspy.server import BackgroundServer, ServerConfig

    target, options = listen_target(args, keywords)
    options.pop("access_log_format", None)
    with BackgroundServer(app, ServerConfig(host=target.host, port=0, **options)) as server:
        if target.callback is not None:
            target.callback()
        # Any HTTP answer, a 404 included, shows the server runs the app.
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(server.url + "/", timeout=10).close()


def main() -> None:
    from expresspy.application import Application

    Application.listen = listen_once  # type: ignore[method-assign, assignment]
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    for block in json.loads(sys.stdin.read()):
        error = None
        try:
            exec(compile(block["code"], block["id"], "exec"), namespace)
        except BaseException:
            error = traceback.format_exc()
        print("@@result " + json.dumps({"id": block["id"], "error": error}), flush=True)


if __name__ == "__main__":
    main()
