"""Express's examples/web-service, in Python."""

from expresspy import express

app = express()


# create an error with .status. we
# can then use the property in our
# custom error handler (Connect respects this prop as well)


def error(status, msg):
    err = Exception(msg)
    err.status = status
    return err


# if we wanted to supply more than JSON, we could
# use something similar to the content-negotiation
# example.

# here we validate the API key,
# by mounting this middleware to /api
# meaning only paths prefixed with "/api"
# will cause this middleware to be invoked


def check_api_key(req, res, next):
    key = req.query.get("api-key")

    # key isn't present
    if not key:
        return next(error(400, "api key required"))

    # key is invalid
    if key not in api_keys:
        return next(error(401, "invalid api key"))

    # all good, store req.key for route access
    req.key = key
    next()


app.use("/api", check_api_key)

# map of valid api keys, typically mapped to
# account info with some sort of database like redis.
# api keys do _not_ serve as authentication, merely to
# track API usage or help prevent malicious behavior etc.

api_keys = ["foo", "bar", "baz"]

# these two lists will serve as our faux database

repos = [
    {"name": "express", "url": "https://github.com/expressjs/express"},
    {"name": "stylus", "url": "https://github.com/learnboost/stylus"},
    {"name": "cluster", "url": "https://github.com/learnboost/cluster"},
]

users = [
    {"name": "tobi"},
    {"name": "loki"},
    {"name": "jane"},
]

user_repos = {
    "tobi": [repos[0], repos[1]],
    "loki": [repos[1]],
    "jane": [repos[2]],
}

# we now can assume the api key is valid,
# and simply expose the data


# example: http://localhost:3000/api/users/?api-key=foo
@app.get("/api/users")
def list_users(req, res):
    res.send(users)


# example: http://localhost:3000/api/repos/?api-key=foo
@app.get("/api/repos")
def list_repos(req, res):
    res.send(repos)


# example: http://localhost:3000/api/user/tobi/repos/?api-key=foo
@app.get("/api/user/:name/repos")
def list_user_repos(req, res, next):
    name = req.params["name"]
    user = user_repos.get(name)

    if user:
        res.send(user)
    else:
        next()


# middleware with an arity of 4 are considered
# error handling middleware. When you next(err)
# it will be passed through the defined middleware
# in order, but ONLY those with an arity of 4, ignoring
# regular middleware.


def json_error(err, req, res, next):
    # whatever you want here, feel free to populate
    # properties on `err` to treat it differently in here.
    res.status(getattr(err, "status", None) or 500)
    res.send({"error": str(err)})


app.use(json_error)


# our custom JSON 404 middleware. Since it's placed last
# it will be the last middleware called, if all others
# invoke next() and do not respond.


def json_not_found(req, res):
    res.status(404)
    res.send({"error": "Sorry, can't find that"})


app.use(json_not_found)

if __name__ == "__main__":
    app.listen(3000)
    print("Express started on port 3000")
