"""Small apps the middleware tests share: a parser, an echo route and an error reporter."""

from __future__ import annotations

from typing import Any

from expresspy import express


def report_error(err: Any, req: Any, res: Any, next: Any) -> None:
    """Answer with the error's status and `[type] message`, as Express's own tests do."""
    res.status(getattr(err, "status", 500))
    prop = req.get("X-Error-Property")
    res.send(str(getattr(err, prop, None)) if prop else f"[{err.type}] {err}")


def echo_app(*middleware: Any) -> Any:
    """An app running `middleware`, answering with `req.body` as JSON (`undefined` if None)."""
    app = express()
    app.use(*middleware)
    app.use(report_error)

    def echo(req: Any, res: Any) -> None:
        body = req.body
        if body is None:
            res.send("undefined")
        elif isinstance(body, bytes):
            res.send("buf:" + body.hex())
        else:
            res.json(body)

    app.post("/", echo)
    app.put("/", echo)
    return app
