// The Node side of tests/session/test_node_interop.py: express-session with the settings the
// expresspy side uses, on connect-redis (STORE=redis: REDIS_URL, PREFIX) or connect-pg-simple
// (STORE=postgres: DATABASE_URL, SCHEMA). PORT and SECRET come from the test too.
'use strict'

const express = require('express')
const session = require('express-session')

async function makeStore () {
  if (process.env.STORE === 'postgres') {
    const PgStore = require('connect-pg-simple')(session)
    return new PgStore({
      conString: process.env.DATABASE_URL,
      schemaName: process.env.SCHEMA,
      pruneSessionInterval: false
    })
  }
  const { RedisStore } = require('connect-redis')
  const { createClient } = require('redis')
  const client = createClient({ url: process.env.REDIS_URL })
  await client.connect()
  return new RedisStore({ client, prefix: process.env.PREFIX })
}

async function main () {
  const app = express()
  app.use(session({
    store: await makeStore(),
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
}

main().catch((err) => { console.error(err); process.exit(1) })
