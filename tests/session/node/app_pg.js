// The Node side of the PostgreSQL case of tests/session/test_node_interop.py: express-session +
// connect-pg-simple with the settings the expresspy side uses. PORT, DATABASE_URL, SCHEMA and
// SECRET come from the test; the packages come from tests/compat/node's pinned tree.
'use strict'

const express = require('express')
const session = require('express-session')
const PgStore = require('connect-pg-simple')(session)

const app = express()
app.use(session({
  store: new PgStore({
    conString: process.env.DATABASE_URL,
    schemaName: process.env.SCHEMA,
    pruneSessionInterval: false
  }),
  secret: process.env.SECRET,
  resave: false,
  saveUninitialized: false,
  cookie: { maxAge: 60000 }
}))
app.get('/login', (req, res, next) => {
  req.session.regenerate((err) => {
    if (err) return next(err)
    req.session.user = req.query.user
    res.json({ ok: true })
  })
})
app.get('/change', (req, res) => {
  req.session.color = req.query.color
  res.json({ ok: true })
})
app.get('/me', (req, res) => {
  res.json({ user: req.session.user ?? null, color: req.session.color ?? null })
})
app.get('/logout', (req, res, next) => {
  req.session.destroy((err) => (err ? next(err) : res.json({ ok: true })))
})
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => {
  console.log('listening ' + server.address().port)
})
