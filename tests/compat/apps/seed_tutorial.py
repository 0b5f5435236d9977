"""The seed tutorial (issue 2) in expresspy; twin of seed_tutorial.js."""

from expresspy import express, session

app = express()
app.use(session(secret="my-secret-key", resave=False, save_uninitialized=False))


@app.get("/set-session")
def set_session(req, res):
    req.session.username = "john_doe"
    res.send("Session data has been set.")


@app.get("/get-session")
def get_session(req, res):
    username = req.session.username
    res.send(f"Hello, {username}!")


@app.get("/clear-session")
def clear_session(req, res):
    def done(err):
        if err:
            res.status(500).send("Error clearing session")
        else:
            res.send("Session has been cleared.")

    req.session.destroy(done)
