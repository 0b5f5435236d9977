"""The seed tutorial: express-session's classic set/get/clear example, ported line by line.

Run it with `expresspy run examples/seed_tutorial.py`, then visit /set-session,
/get-session and /clear-session on http://127.0.0.1:3000.
"""

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


if __name__ == "__main__":
    app.listen(3000, lambda: print("Server is running on http://127.0.0.1:3000"))
