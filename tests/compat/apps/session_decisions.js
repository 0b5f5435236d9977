// express-session's store decisions made visible: each mounted app counts its store's set,
// touch and destroy calls, and /<prefix>/stats reports them. resave true/false, unset
// destroy/keep, and a maxAge cookie (re-sent with Expires only on modifying requests).
const express = require('express');
const session = require('express-session');
const { countingStore } = require('./counting_store');

const app = express();

function mount(prefix, options) {
  const { store, calls } = countingStore();
  const sub = express();
  sub.use(session({ secret: 'decisions', name: prefix.slice(1) + '.sid', store,
    cookie: { path: prefix, ...(options.cookie || {}) }, ...options.session }));
  sub.get('/write', (req, res) => {
    req.session.n = (req.session.n || 0) + 1;
    res.json({ n: req.session.n });
  });
  sub.get('/read', (req, res) => res.json({ n: req.session.n === undefined ? null : req.session.n }));
  sub.get('/unset', (req, res) => { req.session = null; res.send('unset'); });
  sub.get('/stats', (req, res) => res.json(calls));
  app.use(prefix, sub);
}

mount('/resave', { session: { resave: true, saveUninitialized: false } });
mount('/noresave', { session: { resave: false, saveUninitialized: false } });
mount('/uninit', { session: { resave: false, saveUninitialized: true } });
mount('/unsetdestroy', { session: { resave: false, saveUninitialized: false, unset: 'destroy' } });
mount('/unsetkeep', { session: { resave: false, saveUninitialized: false, unset: 'keep' } });
mount('/maxage', { session: { resave: false, saveUninitialized: false },
  cookie: { maxAge: 60000 } });

module.exports = app;
