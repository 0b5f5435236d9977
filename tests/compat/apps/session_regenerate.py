"""req.session.regenerate() and the decisions that follow it: a regenerated session counts as
modified (its id differs from the one loaded), so with save_uninitialized false it is saved and
its cookie sent even when nothing else was set; twin of session_regenerate.js."""

from counting_store import CountingStore

from expresspy import express, session

app = express()


def mount(prefix, cookie=None, **options):
    store = CountingStore()
    sub = express()
    sub.use(
        session(
            secret="regenerate",
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

    @sub.get("/regen")
    def regen(req, res, next):
        req.session.regenerate(lambda err: next(err) if err else res.send("regenerated"))

    @sub.get("/regen-save")
    def regen_save(req, res, next):
        def saved(err):
            return next(err) if err else res.send("regenerated and saved")

        def regenerated(err):
            if err:
                return next(err)
            req.session.save(saved)

        req.session.regenerate(regenerated)

    @sub.get("/regen-write")
    def regen_write(req, res, next):
        def regenerated(err):
            if err:
                return next(err)
            req.session.n = 100
            res.json({"n": req.session.n})

        req.session.regenerate(regenerated)

    sub.get("/stats", lambda req, res: res.json(store.calls))
    app.use(prefix, sub)


mount("/plain", resave=False, save_uninitialized=False)
mount("/rolling", resave=False, save_uninitialized=False, rolling=True)
mount("/resave", resave=True, save_uninitialized=False)
mount("/uninit", resave=False, save_uninitialized=True)
mount("/maxage", cookie={"maxAge": 60000}, resave=False, save_uninitialized=False)
