"""Node's EventEmitter habits that tutorials use: req.on("data"/"end") to read a body,
res.on("finish"/"close") and res.once with listeners of no argument; twin of node_habits.js."""

from expresspy import express

app = express()
seen = {"finish": 0, "finishOnce": 0, "close": 0, "reqClose": 0}


def count(name):
    def listener():
        seen[name] += 1

    return listener


@app.post("/echo")
def echo(req, res):
    chunks = []
    req.on("data", lambda chunk: chunks.append(chunk))

    def done():
        body = b"".join(chunks).decode("utf-8")
        res.json({"length": len(body), "body": body})

    req.on("end", done)


@app.get("/finish")
def finish(req, res):
    res.on("finish", count("finish"))
    res.once("finish", count("finishOnce"))
    res.on("close", count("close"))
    req.on("close", count("reqClose"))
    res.send("ok")


app.get("/seen", lambda req, res: res.json(seen))
