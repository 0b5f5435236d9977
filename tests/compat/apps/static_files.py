"""express.static: index, directory redirects, dotfiles, ranges, conditional requests, HEAD,
fallthrough, options; twin of static_files.js. The fixtures' mtimes are pinned first, so that
Last-Modified and the ETags are the same on both sides."""

import os
from datetime import datetime, timezone
from pathlib import Path

from expresspy import express

ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "static"
PINNED = datetime(2020, 1, 1, tzinfo=timezone.utc).timestamp()

for folder, dirs, files in os.walk(ROOT):
    for name in dirs + files:
        os.utime(os.path.join(folder, name), (PINNED, PINNED))

app = express()

app.use("/s", express.static(str(ROOT)))
app.use("/deny", express.static(str(ROOT), dotfiles="deny"))
app.use("/allow", express.static(str(ROOT), dotfiles="allow"))
app.use("/nofall", express.static(str(ROOT), fallthrough=False))
app.use("/nofall-page", express.static(str(ROOT), fallthrough=False))
app.use(
    "/ext",
    express.static(str(ROOT), {"extensions": ["html", "txt"], "maxAge": "1d", "immutable": True}),
)
app.use("/noredirect", express.static(str(ROOT), redirect=False, index=False))
app.use(
    "/bare",
    express.static(
        str(ROOT), etag=False, last_modified=False, accept_ranges=False, cache_control=False
    ),
)
app.use("/index-list", express.static(str(ROOT), index=["missing.html", "guide.txt"]))


def name_header(res, path, stat):
    res.set_header("X-Static", os.path.basename(path))


app.use("/hdr", express.static(str(ROOT), set_headers=name_header))
app.use("/file-root", express.static(str(ROOT / "nums.txt")))
app.use(express.static(str(ROOT), index=False))


def send_error_as_data(err, req, res, next):
    """send's errors as data, the fixture folder written <root> (its place differs per
    checkout)."""
    shown = {
        "status": getattr(err, "status", None),
        "code": getattr(err, "code", None),
        "expose": getattr(err, "expose", None),
        "message": str(err).replace(str(ROOT), "<root>"),
    }
    res.status(shown["status"] or 500).json({k: v for k, v in shown.items() if v is not None})


app.use("/nofall", send_error_as_data)
