"""Express's examples/multi-router, in Python.

`module.exports = apiv1` becomes a module attribute: the app imports `apiv1` by name.
"""

from controllers.api_v1 import apiv1
from controllers.api_v2 import apiv2

from expresspy import express

app = express()

app.use("/api/v1", apiv1)
app.use("/api/v2", apiv2)


@app.get("/")
def root(req, res):
    res.send("Hello from root route.")


if __name__ == "__main__":
    app.listen(3000)
    print("Express started on port 3000")
