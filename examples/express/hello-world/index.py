"""Express's examples/hello-world, in Python."""

from expresspy import express

app = express()


@app.get("/")
def index(req, res):
    res.send("Hello World")


if __name__ == "__main__":
    app.listen(3000)
    print("Express started on port 3000")
