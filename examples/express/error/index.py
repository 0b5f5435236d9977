"""Express's examples/error, in Python.

`process.nextTick(...)` becomes `loop.call_soon(...)`: both run the callback after the
handler has returned, which is the point the original makes about calling `next(err)` later.
"""

import asyncio
import traceback

from expresspy import express

app = express()
test = app.get("env") == "test"

if not test:
    from expresspy.middleware import logger

    app.use(logger("dev"))

# error handling middleware have an arity of 4
# instead of the typical (req, res, next),
# otherwise they behave exactly like regular
# middleware, you may have several of them,
# in different orders etc.


def error(err, req, res, next):
    # log it
    if not test:
        traceback.print_exception(err)

    # respond with 500 "Internal Server Error".
    res.status(500)
    res.send("Internal Server Error")


@app.get("/")
def broken(req, res):
    # Caught and passed down to the errorHandler middleware
    raise Exception("something broke!")


@app.get("/next")
async def later(req, res, next):
    # We can also pass exceptions to next()
    # The reason for call_soon() is to show that
    # next() can be called inside an async operation,
    # in real life it can be a DB read or HTTP request.
    asyncio.get_running_loop().call_soon(next, Exception("oh no!"))


# the error handler is placed after routes
# if it were above it would not receive errors
# from app.get() etc
app.use(error)

if __name__ == "__main__":
    app.listen(3000)
    print("Express started on port 3000")
