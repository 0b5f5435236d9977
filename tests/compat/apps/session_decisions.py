"""express-session's store decisions made visible: each mounted app counts its store's set,
touch and destroy calls, and /<prefix>/stats reports them. resave true/false, unset
destroy/keep, and a maxAge cookie; twin of session_decisions.js."""

from counting_store import CountingStore

from expresspy import express, session

app = express()


def mount(prefix, cookie=None, **options):
    store = CountingStore()
    sub = express()
    sub.use(
        session(
            secret="decisions",
            name=prefix[1:] + ".sid",
            store=store,
            cookie={"path": prefix, **(cookie or {})},
            **options,
        )
    )

    @sub.get("/write")
    def write(req, res):
        req.session.n = (req.session.n or 0) + 1
        res.json({"n": req.session.n})

    sub.get("/read", lambda req, res: res.json({"n": req.session.n}))

    @sub.get("/unset")
    def unset(req, res):
        req.session = None
        res.send("unset")

    sub.get("/stats", lambda req, res: res.json(store.calls))
    app.use(prefix, sub)


mount("/resave", resave=True, save_uninitialized=False)
mount("/noresave", resave=False, save_uninitialized=False)
mount("/uninit", resave=False, save_uninitialized=True)
mount("/unsetdestroy", resave=False, save_uninitialized=False, unset="destroy")
mount("/unsetkeep", resave=False, save_uninitialized=False, unset="keep")
mount("/maxage", cookie={"maxAge": 60000}, resave=False, save_uninitialized=False)
