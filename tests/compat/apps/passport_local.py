"""passport + LocalStrategy + flash over session() (memory store); twin of passport_local.js."""

from expresspy import express, passport, session
from expresspy.middleware import flash
from expresspy.passport import LocalStrategy, Strategy

USERS = {
    "ann": {"id": 1, "username": "ann", "password": "secret"},
    "bob": {"id": 2, "username": "bob", "password": "hunter2"},
}
BY_ID = {1: USERS["ann"], 2: USERS["bob"]}
gone = set()  # ids whose user was "deleted": the deserializer finds nothing


def verify(username, password, done):
    user = USERS.get(username)
    if username == "boom":
        return done(Exception("database down"))
    if not user:
        return done(None, False, {"message": "Incorrect username."})
    if user["password"] != password:
        return done(None, False, {"message": "Incorrect password.", "type": "warning"})
    return done(None, user, {"message": "Welcome back!"})


passport.use(LocalStrategy(verify))


def verify_email(req, email, password, done):
    user = next((u for u in USERS.values() if f"{u['username']}@example.com" == email), None)
    if not user or user["password"] != password or req.query.get("deny"):
        return done(None, False)
    return done(None, user)


passport.use(
    "email",
    LocalStrategy(
        {"usernameField": "email", "passwordField": "pass", "passReqToCallback": True}, verify_email
    ),
)


class TokenStrategy(Strategy):
    """A bearer-like token in a header; fails with a challenge string."""

    name = "token"

    def authenticate(self, req, options):
        token = req.headers.get("x-token")
        if not token:
            return self.fail('Token realm="api"')
        if token == "redirect":
            return self.redirect("/elsewhere", 307)
        if token == "pass":
            return self.pass_()
        if token == "teapot":
            return self.fail(418)
        user = USERS.get(token)
        return self.success(user) if user else self.fail('Token error="invalid_token"')


passport.use(TokenStrategy())
passport.serialize_user(lambda user, done: done(None, user["id"]))
passport.deserialize_user(lambda id, done: done(None, None if id in gone else BY_ID.get(id)))

app = express()
app.use(express.urlencoded({"extended": False}))
app.use(session(secret="passport-secret", resave=False, save_uninitialized=False))
app.use(flash())
app.use(passport.initialize())
app.use(passport.session())


def view(req):
    return {
        "user": req.user["username"] if req.user else None,
        "authenticated": req.is_authenticated(),
        "unauthenticated": req.is_unauthenticated(),
        # JavaScript's `x || null` keeps an empty object; so does `get`.
        "passport": req.session.get("passport"),
        "messages": req.session.get("messages"),
        "flash": req.session.get("flash"),
    }


def return_to(req, res):
    req.session.returnTo = "/me?returned=1"
    res.json(view(req))


app.get("/me", lambda req, res: res.json(view(req)))
app.get("/flashes", lambda req, res: res.json(req.flash()))
app.get("/return-to", return_to)

app.post(
    "/login",
    passport.authenticate(
        "local", {"successRedirect": "/me", "failureRedirect": "/flashes", "failureFlash": True}
    ),
)
app.post(
    "/login-plain",
    passport.authenticate("local"),
    lambda req, res: res.json({**view(req), "authInfo": req.auth_info}),
)
app.post(
    "/login-message",
    passport.authenticate(
        "local",
        failure_message=True,
        failure_redirect="/me",
        bad_request_message="Both fields, please.",
    ),
)
app.post(
    "/login-flash-text",
    passport.authenticate(
        "local",
        failure_flash="Invalid username or password.",
        success_flash="Signed in.",
        success_message=True,
        success_redirect="/me",
        failure_redirect="/flashes",
    ),
)
app.post(
    "/login-keep",
    passport.authenticate(
        "local", {"successFlash": True, "keepSessionInfo": True, "successRedirect": "/me"}
    ),
)
app.post(
    "/login-return",
    passport.authenticate("local", success_return_to_or_redirect="/", keep_session_info=True),
)
app.post(
    "/login-nosession",
    passport.authenticate("local", session=False),
    lambda req, res: res.json(view(req)),
)
app.post("/login-error", passport.authenticate("local", fail_with_error=True))
app.post("/login-email", passport.authenticate("email", success_redirect="/me"))


@app.post("/login-callback")
def login_callback(req, res, next):
    def authenticated(err, user, info, status):
        if err:
            return next(err)
        if not user:
            return res.status(422).json(
                {"user": user, "info": info or None, "status": status or None}
            )

        def logged_in(err2):
            if err2:
                return next(err2)
            return res.json(
                {"loggedIn": user["username"], "info": info, "session": req.session.passport}
            )

        req.logIn(user, logged_in)

    passport.authenticate("local", authenticated)(req, res, next)


app.get("/api", passport.authenticate("token", session=False), lambda req, res: res.json(view(req)))
app.get(
    "/api-multi",
    passport.authenticate(["token", "local"], session=False),
    lambda req, res: res.json(view(req)),
)


@app.get("/api-callback")
def api_callback(req, res, next):
    def answered(err, user, challenges, statuses):
        res.json(
            {
                "user": user or None,
                "challenges": challenges,
                "statuses": [s or None for s in statuses],
            }
        )

    passport.authenticate(["token", "local"], answered)(req, res, next)


app.get("/api-unknown", passport.authenticate("nope"))


@app.post("/logout")
def logout(req, res, next):
    req.logout(lambda err: next(err) if err else res.redirect("/me"))


@app.post("/delete-me")
def delete_me(req, res):
    gone.add(req.user["id"])
    res.json({"deleted": req.user["username"]})


def errors(err, req, res, next):
    status = getattr(err, "status", None)
    res.status(status or 500).json(
        {"name": getattr(err, "name", None) or "Error", "message": str(err), "status": status}
    )


app.use(errors)
