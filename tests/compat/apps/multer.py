"""multer: single/array/fields/none/any, disk and memory storage, file_filter, every limit,
unexpected and unnamed fields, cut and non-multipart bodies; twin of multer.js. Files go to a
fresh folder per run; answers write it <dest> and multer's random names <hex>, so both sides
compare. Errors come back as data (name, code, field, filename, message) with a 500."""

import atexit
import os
import re
import shutil
import tempfile

from expresspy import express
from expresspy.middleware import multer

ROOT = tempfile.mkdtemp(prefix="compat-multer-py-")
atexit.register(shutil.rmtree, ROOT, True)
DISK = os.path.join(ROOT, "disk")
FAILED = os.path.join(ROOT, "failed")
CUSTOM = os.path.join(ROOT, "custom")
os.mkdir(CUSTOM)
HEX = re.compile(r"\b[0-9a-f]{32}\b")


def redact(value):
    if isinstance(value, str):
        return HEX.sub("<hex>", value.replace(ROOT, "<dest>"))
    if isinstance(value, list):
        return [redact(item) for item in value]
    if isinstance(value, dict):
        return {key: redact(item) for key, item in value.items()}
    return value


def show(req, res):
    res.json(redact({"body": req.body, "file": req.file, "files": req.files}))


disk = multer(dest=DISK)
failed = multer(dest=FAILED)
memory = multer()
app = express()

app.post("/single", disk.single("avatar"), show)
app.post("/array", disk.array("docs", 2), show)
app.post("/array-failed", failed.array("docs", 2), show)
app.post(
    "/fields",
    memory.fields([{"name": "avatar", "maxCount": 1}, {"name": "gallery", "maxCount": 2}]),
    show,
)
app.post("/none", memory.none(), show)
app.post("/any", memory.any(), show)
app.post("/memory", memory.single("avatar"), show)
app.post("/preserve", multer({"preservePath": True}).single("f"), show)


def only_png(req, file, cb):
    if file["originalname"] == "bad.txt":
        return cb(Exception("bad file"))
    cb(None, file["mimetype"] == "image/png")


app.post("/filter", multer(file_filter=only_png).array("pics", 2), show)

custom = multer(
    storage=multer.disk_storage(
        destination=lambda req, file, cb: cb(None, CUSTOM),
        filename=lambda req, file, cb: cb(None, file["fieldname"] + "-" + file["originalname"]),
    )
)
app.post("/custom", custom.single("avatar"), show)

LIMITS = {
    "file-size": {"fileSize": 4},
    "files": {"files": 1},
    "fields": {"fields": 1},
    "field-size": {"fieldSize": 3},
    "parts": {"parts": 2},
    "field-name-size": {"fieldNameSize": 3},
}
for name, limit in LIMITS.items():
    app.post("/limit/" + name, multer(dest=FAILED, limits=limit).any(), show)
    app.post("/limit-ok/" + name, multer(dest=DISK, limits=limit).any(), show)


@app.get("/leftovers")
def leftovers(req, res):
    names = os.listdir(FAILED) if os.path.exists(FAILED) else []
    res.json({"failed": len(names), "disk": len(os.listdir(DISK))})


# no handler of ours: the default error page
app.post("/default-error", memory.single("avatar"), show)


def error_as_data(err, req, res, next):
    if req.path == "/default-error":
        return next(err)
    storage_errors = getattr(err, "storage_errors", None)
    error = {
        "name": getattr(err, "name", "Error"),
        "code": getattr(err, "code", None),
        "field": getattr(err, "field", None),
        "filename": getattr(err, "filename", None),
        "message": str(err),
        "storageErrors": None if storage_errors is None else len(storage_errors),
    }
    error = {key: value for key, value in error.items() if value is not None}
    res.status(500).json(redact({"error": error, "body": req.body, "file": req.file}))


app.use(error_as_data)
