"""Express's examples/downloads, in Python.

Express 5 gives a `*file` wildcard as a list of segments, so `req.params.file.join('/')` is
`"/".join(req.params["file"])`; a callback's `err.status` is read with getattr, since a
Python exception only has it when the framework set it.
"""

import os

from expresspy import express

app = express()

# path to where the files are stored on disk
FILES_DIR = os.path.join(os.path.dirname(__file__), "files")


@app.get("/")
def index(req, res):
    res.send(
        "<ul>"
        '<li>Download <a href="/files/notes/groceries.txt">notes/groceries.txt</a>.</li>'
        '<li>Download <a href="/files/amazing.txt">amazing.txt</a>.</li>'
        '<li>Download <a href="/files/missing.txt">missing.txt</a>.</li>'
        '<li>Download <a href="/files/CCTV大赛上海分赛区.txt">CCTV大赛上海分赛区.txt</a>.</li>'
        "</ul>"
    )


# /files/* is accessed via req.params[0]
# but here we name it :file
@app.get("/files/*file")
def download(req, res, next):
    def sent(err):
        if not err:
            return  # file sent
        if getattr(err, "status", None) != 404:
            return next(err)  # non-404 error
        # file for download not found
        res.status_code = 404
        res.send("Cant find that file, sorry!")

    res.download("/".join(req.params["file"]), {"root": FILES_DIR}, sent)


if __name__ == "__main__":
    app.listen(3000)
    print("Express started on port 3000")
