"""A small typed user app: `mypy --strict` must pass on it (tests/test_typing.py runs it).

It uses the public API the way a first app does: decorators (with middleware), express.json()
and express.static(), session(), cookie-parser, and the attributes of Request and Response;
`reveal_type` lines are checked by the test, so a decorator that loses the function's type
or an `Any` coming back from `express.json` fails it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from expresspy import Middleware, Next, Request, Response, Router, express, session
from expresspy.middleware import cookie_parser

app = express()
api = express.Router()
json_parser: Middleware = express.json({"limit": "1mb"})
app.use(json_parser)
app.use(express.urlencoded(extended=False))
app.use(express.static("public", {"maxAge": 60_000}))
app.use(cookie_parser("cookie secret"))
app.use(session(secret="keyboard cat", resave=False, save_uninitialized=False))


def validate(req: Request, res: Response, next: Next) -> None:
    if not isinstance(req.body, dict):
        res.status(400).json({"error": "a JSON object is required"})
        return
    next()


@app.get("/")
def home(req: Request, res: Response) -> None:
    visits: int = (req.session.visits or 0) + 1
    req.session.visits = visits
    res.send(f"{visits} {req.cookies.get('theme')} {req.query}")


@app.post("/items", validate)
async def create_item(req: Request, res: Response) -> None:
    res.status(201).json({"item": req.body, "files": req.files})


@api.put("/items/:id", validate)
def update_item(req: Request, res: Response) -> None:
    item_id: str = req.params["id"]
    res.on("finish", lambda: None)
    req.on("close", lambda: None)
    res.json({"id": item_id})


@app.use("/admin")
def admin_only(req: Request, res: Response, next: Next) -> None:
    next()


app.use("/api", api)
app.get("/ping", lambda req, res: res.send("pong")).get("/pong", home)
env: object = app.get("env")
router: Router = Router()

if TYPE_CHECKING:
    reveal_type(home)  # noqa: F821
    reveal_type(create_item)  # noqa: F821
    reveal_type(update_item)  # noqa: F821
    reveal_type(admin_only)  # noqa: F821
    reveal_type(express.json)  # noqa: F821
    reveal_type(express.static)  # noqa: F821

if __name__ == "__main__":
    app.listen(3000, "127.0.0.1", lambda: print("listening"))
