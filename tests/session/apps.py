"""Small apps and a spying store shared by the session middleware tests."""

from __future__ import annotations

from typing import Any

from expresspy import Application, express, session
from expresspy.session import MemoryStore
from expresspy.session.patch import SessionPatch


class SpyStore(MemoryStore):
    """A real MemoryStore that also records every call made to it (name, sid)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, str]] = []

    async def get(self, sid: str) -> dict[str, Any] | None:
        self.calls.append(("get", sid))
        return await super().get(sid)

    async def set(self, sid: str, session: dict[str, Any]) -> None:
        self.calls.append(("set", sid))
        await super().set(sid, session)

    async def merge(self, sid: str, patch: SessionPatch) -> bool:
        self.calls.append(("merge", sid))
        return await super().merge(sid, patch)

    async def destroy(self, sid: str) -> None:
        self.calls.append(("destroy", sid))
        await super().destroy(sid)

    async def touch(self, sid: str, session: dict[str, Any]) -> None:
        self.calls.append(("touch", sid))
        await super().touch(sid, session)

    def names(self) -> list[str]:
        """The method names called so far, in order."""
        return [name for name, _ in self.calls]


def counter_app(store: Any, **options: Any) -> Application:
    """``/n`` reads nothing, ``/inc`` increments ``session.n``, ``/read`` returns it."""
    app = express()
    options.setdefault("secret", "keyboard cat")
    options.setdefault("resave", False)
    options.setdefault("save_uninitialized", True)
    app.use(session(store=store, **options))

    @app.get("/n")
    def untouched(req: Any, res: Any) -> None:
        res.send("ok")

    @app.get("/inc")
    def inc(req: Any, res: Any) -> None:
        req.session.n = (req.session.n or 0) + 1
        res.send(str(req.session.n))

    @app.get("/read")
    def read(req: Any, res: Any) -> None:
        res.send(str(req.session.n) if req.session is not None else "no session")

    @app.get("/logout")
    async def logout(req: Any, res: Any) -> None:
        await req.session.destroy()
        res.send("bye")

    @app.get("/unset")
    def unset(req: Any, res: Any) -> None:
        req.session = None
        res.send("unset")

    return app
