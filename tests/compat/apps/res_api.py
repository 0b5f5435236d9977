"""res.jsonp (callback sanitising), res.format (406), res.send_file with ranges and conditional
requests, res.attachment and res.download (Content-Disposition with non-Latin-1 names); twin
of res_api.js."""

import os
from datetime import datetime, timezone
from pathlib import Path

from expresspy import express

ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "static"
PINNED = datetime(2020, 1, 1, tzinfo=timezone.utc).timestamp()
for name in ("nums.txt", "page.html", ".hidden", "empty.txt"):
    os.utime(ROOT / name, (PINNED, PINNED))

app = express()

app.get("/jsonp", lambda req, res: res.jsonp({"a": 1, "s": "line\u2028sep"}))
app.get("/jsonp-string", lambda req, res: res.jsonp("str"))
app.get("/jsonp-null", lambda req, res: res.jsonp(None))
app.get("/jsonp-status", lambda req, res: res.status(201).jsonp([1, 2]))

FORMATS = {
    "text/plain": lambda req, res: res.send("text"),
    "text/html": lambda req, res: res.send("<p>html</p>"),
    "application/json": lambda req, res: res.json({"format": "json"}),
}
app.get("/format", lambda req, res: res.format(FORMATS))
app.get(
    "/format-default",
    lambda req, res: res.format(
        {**FORMATS, "default": lambda req, res: res.status(200).send("default")}
    ),
)
app.get(
    "/format-ext",
    lambda req, res: res.format(
        {
            "json": lambda req, res: res.json({"ext": "json"}),
            "html": lambda req, res: res.send("<b>ext</b>"),
        }
    ),
)

app.get("/file", lambda req, res: res.send_file("nums.txt", root=str(ROOT)))
app.get("/file-html", lambda req, res: res.send_file(str(ROOT / "page.html")))
app.get(
    "/file-opts",
    lambda req, res: res.send_file(
        "nums.txt",
        {
            "root": str(ROOT),
            "maxAge": 3600000,
            "immutable": True,
            "acceptRanges": False,
            "lastModified": False,
        },
    ),
)
app.get("/file-missing", lambda req, res: res.send_file("missing.txt", root=str(ROOT)))
app.get("/file-dotfile", lambda req, res: res.send_file(".hidden", root=str(ROOT)))
app.get(
    "/file-dotfile-allow",
    lambda req, res: res.send_file(".hidden", root=str(ROOT), dotfiles="allow"),
)
app.get("/file-traversal", lambda req, res: res.send_file("../static/nums.txt", root=str(ROOT)))
app.get("/file-empty", lambda req, res: res.send_file("empty.txt", root=str(ROOT)))

app.get("/attachment/:name", lambda req, res: res.attachment(req.params["name"]).send("x"))
app.get("/attachment", lambda req, res: res.attachment().send("x"))
app.get("/download", lambda req, res: res.download(str(ROOT / "nums.txt")))
app.get(
    "/download/:name", lambda req, res: res.download(str(ROOT / "nums.txt"), req.params["name"])
)
app.get("/download-missing", lambda req, res: res.download(str(ROOT / "missing.txt"), "x.txt"))
