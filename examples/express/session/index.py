"""Express's examples/session, in Python (index.js; redis.js is redis_app.py)."""

from expresspy import express, session

app = express()

# Populates req.session
app.use(
    session(
        resave=False,  # don't save session if unmodified
        save_uninitialized=False,  # don't create session until something stored
        secret="keyboard cat",
    )
)


@app.get("/")
def index(req, res):
    body = ""
    if req.session.views:
        req.session.views += 1
    else:
        req.session.views = 1
        body += "<p>First time visiting? view this page in several browsers :)</p>"
    res.send(body + "<p>viewed <strong>" + str(req.session.views) + "</strong> times.</p>")


if __name__ == "__main__":
    app.listen(3000)
    print("Express started on port 3000")
