"""The WebSocket test app: express-ws routes behind cookie_parser and a session.

Served by the tests under the built-in server, uvicorn and hypercorn (tests/websocket).
"""

import json
from typing import Any

from expresspy import express, session
from expresspy.middleware import cookie_parser

app = express()
app.use(cookie_parser())
app.use(session(secret="ws-test-secret", resave=False, save_uninitialized=False))
app.use(express.urlencoded())


@app.post("/login")
def login(req: Any, res: Any) -> None:
    req.session.user = req.body["user"]
    res.send("hello " + req.body["user"])


@app.get("/logout")
async def logout(req: Any, res: Any) -> None:
    await req.session.destroy()
    res.send("bye")


@app.get("/whoami")
def whoami(req: Any, res: Any) -> None:
    res.json({"user": req.session.user, "note": req.session.note})


@app.get("/echo")
def echo_page(req: Any, res: Any) -> None:
    res.send("a plain GET, not the WebSocket route")


# Node ws's style: listeners, from a plain def handler (it runs in the thread pool).
def echo(ws: Any, req: Any) -> None:
    ws.on("message", lambda data, is_binary: ws.send(data))


app.ws("/echo", echo)


# The Pythonic style.
@app.ws("/py")
async def py_echo(ws: Any, req: Any) -> None:
    async for message in ws:
        if message == "close-me":
            await ws.close(4001, "asked to")
            return
        await ws.send(message)


def require_login(req: Any, res: Any, next: Any) -> Any:
    if req.session.user:
        return next()
    res.status(401).send("log in first")


# Mounted middleware sees the upgrade as a GET to /me/.websocket, so it runs first.
app.use("/me", require_login)


@app.ws("/me")
async def me(ws: Any, req: Any) -> None:
    await ws.send(json.dumps({"user": req.session.user, "cookies": sorted(req.cookies)}))
    async for message in ws:
        if message.startswith("note:"):
            req.session.note = message[5:]
            await req.session.save()
            await ws.send("saved")
        elif message == "reload":
            try:
                await req.session.reload()
            except Exception as err:
                await ws.send("reload failed: " + str(err))
            else:
                await ws.send("reloaded " + str(req.session.user))


rooms = express.Router()


@rooms.param("room")
def load_room(req: Any, res: Any, next: Any, value: str) -> None:
    req.room_name = value.upper()
    next()


@rooms.ws("/:room")
async def room(ws: Any, req: Any) -> None:
    await ws.send(
        json.dumps(
            {
                "room": req.params["room"],
                "name": req.room_name,
                "query": req.query,
                "url": req.url,
                "original_url": req.original_url,
                "base_url": req.base_url,
                "method": req.method,
                "protocol": ws.protocol,
            }
        )
    )
    await ws.close()


app.use("/rooms", rooms)


def ws_gate(ws: Any, req: Any, next: Any) -> Any:  # an express-ws middleware: (ws, req, next)
    if req.query.get("token") == "yes":
        return next()
    ws.close(4003, "bad token")


async def gated(ws: Any, req: Any) -> None:
    await ws.send("through the gate")


app.ws("/gated", ws_gate, gated)


@app.ws("/boom")
async def boom(ws: Any, req: Any) -> None:
    raise RuntimeError("handler failed")


@app.ws("/events")
def events(ws: Any, req: Any) -> None:
    seen = []

    def on_message(data: Any) -> None:
        seen.append(data)
        ws.send(f"{len(seen)}:{data!r}")

    ws.on("message", on_message)
    ws.on("close", lambda code, reason: CLOSES.append((code, reason)))


CLOSES: list[Any] = []


@app.get("/closes")
def closes(req: Any, res: Any) -> None:
    res.json(CLOSES)


@app.ws("/ping")
def pinger(ws: Any, req: Any) -> None:
    ws.on("pong", lambda data: ws.send("pong " + data.decode()))
    ws.ping(b"hi", None, lambda err: ws.send(f"pinged {err}"))
    ws.send("extensions " + ws.extensions)
