"""Express's examples/cookie-sessions, in Python.

The original uses the cookie-session package: the whole session lives in a signed cookie
named "session". Here that is expresspy's `session()` with a `CookieStore` and the same
cookie name; like cookie-session, nothing is sent until the session holds something.
"""

from expresspy import express, session
from expresspy.session import CookieStore

app = express()

# add req.session cookie support
app.use(
    session(
        secret="manny is cool",
        name="session",
        store=CookieStore(),
        resave=False,
        save_uninitialized=False,
    )
)


# do something with the session
@app.get("/")
def index(req, res):
    req.session.count = (req.session.count or 0) + 1
    res.send("viewed " + str(req.session.count) + " times\n")


if __name__ == "__main__":
    app.listen(3000)
    print("Express started on port 3000")
