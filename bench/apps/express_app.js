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
