'use strict';
// Node 20 + Express 5 + express-session peer app: one workload per process, chosen by
// BENCH_WORKLOAD / BENCH_HANDLERS / BENCH_STATIC_DIR, with the same paths and bodies as
// bench/apps/common.py. The harness resolves the packages through NODE_PATH (a cache folder).

const express = require('express');
const session = require('express-session');

const HELLO = 'Hello, World!';
const ROUTE_COUNT = 200;
const MIDDLEWARE_COUNT = 10;
const SESSION_SECRET = 'bench';
// The stores of the session-redis and session-postgres workloads (bench/apps/common.py).
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/0';
const REDIS_PREFIX = 'bench-sess:';
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const POSTGRES_TABLE = 'bench_session';

function hello(req, res) {
  res.set('Content-Type', 'text/plain');
  res.send(HELLO);
}

function counter(req, res) {
  req.session.views = (req.session.views || 0) + 1;
  res.set('Content-Type', 'text/plain');
  res.send(`views: ${req.session.views}`);
}

function echo(req, res) {
  res.json(req.body);
}

function param(req, res) {
  res.set('Content-Type', 'text/plain');
  res.send(req.params.id);
}

function passthrough(req, res, next) {
  next();
}

// Each builder adds one workload's middleware and routes to the app.
const builders = {
  hello: (app) => app.get('/', hello),
  session: (app) => {
    app.use(session({ secret: SESSION_SECRET, resave: false, saveUninitialized: true }));
    app.get('/', counter);
  },
  'session-redis': (app) => {
    const { createClient } = require('redis');
    const { RedisStore } = require('connect-redis');
    const client = createClient({ url: REDIS_URL });
    client.connect().catch((err) => { console.error(err); process.exit(1); });
    const store = new RedisStore({ client, prefix: REDIS_PREFIX });
    app.use(session({ store, secret: SESSION_SECRET, resave: false, saveUninitialized: true }));
    app.get('/', counter);
  },
  'session-postgres': (app) => {
    const { Pool } = require('pg');
    const PgStore = require('connect-pg-simple')(session);
    const store = new PgStore({
      pool: new Pool({ connectionString: POSTGRES_URL }),
      tableName: POSTGRES_TABLE,
      createTableIfMissing: true,
    });
    app.use(session({ store, secret: SESSION_SECRET, resave: false, saveUninitialized: true }));
    app.get('/', counter);
  },
  json: (app) => {
    app.use(express.json());
    app.post('/', echo);
  },
  static: (app) => app.use(express.static(process.env.BENCH_STATIC_DIR || '.')),
  middleware: (app) => {
    for (let i = 0; i < MIDDLEWARE_COUNT; i++) app.use(passthrough);
    app.get('/', hello);
  },
  routes: (app) => {
    for (let i = 0; i < ROUTE_COUNT; i++) app.get(`/r${i}/:id`, param);
  },
};

function main() {
  const workload = process.env.BENCH_WORKLOAD || 'hello';
  const build = builders[workload];
  if (!build) throw new Error(`unknown workload ${workload}`);
  const app = express();
  build(app);
  const port = Number(process.argv[2] || process.env.PORT || 3000);
  app.listen(port, '127.0.0.1');
}

main();
