"""Express's examples/cookies, in Python. morgan is `expresspy.middleware.logger`."""

from expresspy import express
from expresspy.middleware import cookie_parser

app = express()

# custom log format
if app.get("env") != "test":
    from expresspy.middleware import logger

    app.use(logger(":method :url"))

# parses request cookies, populating
# req.cookies and req.signed_cookies
# when the secret is passed, used
# for signing the cookies.
app.use(cookie_parser("my secret here"))

# parses x-www-form-urlencoded
app.use(express.urlencoded())


@app.get("/")
def index(req, res):
    if req.cookies.get("remember"):
        res.send('Remembered :). Click to <a href="/forget">forget</a>!.')
    else:
        res.send(
            '<form method="post"><p>Check to <label>'
            '<input type="checkbox" name="remember"/> remember me</label> '
            '<input type="submit" value="Submit"/>.</p></form>'
        )


@app.get("/forget")
def forget(req, res):
    res.clear_cookie("remember")
    res.redirect(req.get("Referrer") or "/")


@app.post("/")
def remember(req, res):
    minute = 60000

    if req.body and req.body.get("remember"):
        res.cookie("remember", 1, {"maxAge": minute})

    res.redirect(req.get("Referrer") or "/")


if __name__ == "__main__":
    app.listen(3000)
    print("Express started on port 3000")
