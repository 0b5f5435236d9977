"""res.send type inference, res.json, res.status, res.send_status, res.set, res.end; twin of
send.js."""

from expresspy import express

app = express()

app.get("/str", lambda req, res: res.send("hello"))
app.get("/str-unicode", lambda req, res: res.send("h\u00e9llo \u2713"))
app.get("/empty-str", lambda req, res: res.send(""))
app.get("/buffer", lambda req, res: res.send(b"bytes here"))
app.get("/empty-buffer", lambda req, res: res.send(b""))
app.get("/object", lambda req, res: res.send({"a": 1, "b": [True, None], "c": "x"}))
app.get("/array", lambda req, res: res.send([1, "two", {"three": 3}]))
app.get("/number", lambda req, res: res.send(42))
app.get("/float", lambda req, res: res.send(1.5))
app.get("/bool", lambda req, res: res.send(True))
app.get("/null", lambda req, res: res.send(None))
app.get("/undefined", lambda req, res: res.send())


def send_typed(content_type, body):
    """A handler that sets Content-Type first, then sends `body`."""
    return lambda req, res: res.set("Content-Type", content_type).send(body)


app.get("/preset-text", send_typed("text/plain", "plain"))
app.get("/preset-json-str", send_typed("application/json", '{"raw":true}'))
app.get("/preset-buffer", send_typed("text/plain", b"plain bytes"))
app.get("/preset-charset", send_typed("text/html; charset=iso-8859-1", "x"))
app.get("/preset-custom-type", send_typed("application/vnd.custom+json", {"custom": True}))
app.get("/json-object", lambda req, res: res.json({"name": "ann", "tags": ["a", "b"], "n": 0}))
app.get("/json-string", lambda req, res: res.json("a string"))
app.get("/json-null", lambda req, res: res.json(None))
app.get("/json-unicode", lambda req, res: res.json({"s": "\u00e9<>&\u2028"}))
app.get("/json-status", lambda req, res: res.status(400).json({"error": "bad"}))
app.get("/status-201", lambda req, res: res.status(201).send("created"))
app.get("/status-204-send", lambda req, res: res.status(204).send("ignored"))
app.get("/status-205-send", lambda req, res: res.status(205).send("ignored"))
app.get("/send-status/:code", lambda req, res: res.send_status(int(req.params["code"])))
app.get("/end", lambda req, res: res.end())
app.get("/end-with-data", lambda req, res: res.end("raw"))


@app.get("/set-headers")
def set_headers(req, res):
    res.set("Cache-Control", "no-store")
    res.set("Vary", "Accept")
    res.send("x")


@app.get("/set-object")
def set_object(req, res):
    res.set({"Cache-Control": "public, max-age=60", "X-Extra": "1"})
    res.send("x")


app.get(
    "/json-special",
    lambda req, res: res.json({"nan": float("nan"), "inf": float("inf"), "big": 1e21, "neg": -1.5}),
)
app.get("/status-304-send", lambda req, res: res.status(304).send("ignored"))
app.get("/big", lambda req, res: res.send("x" * 100000))
app.post("/post", lambda req, res: res.status(201).json({"created": True}))
