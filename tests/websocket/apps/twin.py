"""The expresspy twin of twin.js (express-ws 5 + express-session + cookie-parser)."""

import json
from typing import Any

from expresspy import express, session
from expresspy.middleware import cookie_parser

app = express()
app.use(cookie_parser())
app.use(session(secret="twin-secret", resave=False, save_uninitialized=False))
app.use(express.urlencoded())


@app.post("/login")
def login(req: Any, res: Any) -> None:
    req.session.user = req.body["user"]
    res.send("hello " + req.body["user"])


@app.ws("/echo")
def echo(ws: Any, req: Any) -> None:
    ws.on("message", lambda data, is_binary: ws.send(data))


@app.ws("/me")
def me(ws: Any, req: Any) -> None:
    ws.send(json.dumps({"user": req.session.user, "cookies": sorted(req.cookies)}))

    def on_message(data: Any) -> None:
        req.session.note = data
        req.session.save(lambda err: ws.send("error" if err else "saved"))

    ws.on("message", on_message)


@app.get("/whoami")
def whoami(req: Any, res: Any) -> None:
    res.json({"user": req.session.user, "note": req.session.note})


rooms = express.Router()


@rooms.param("room")
def load_room(req: Any, res: Any, next: Any, value: str) -> None:
    req.room_name = value.upper()
    next()


@rooms.ws("/:room")
def room(ws: Any, req: Any) -> None:
    ws.send(
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
    ws.close(4000, "room closed")


app.use("/rooms", rooms)


def gate(ws: Any, req: Any, next: Any) -> Any:
    if req.query.get("token") == "yes":
        return next()
    ws.close(4003, "bad token")


app.ws("/gated", gate, lambda ws, req: ws.send("through the gate"))
