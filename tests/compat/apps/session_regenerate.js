// req.session.regenerate() and the decisions that follow it: a regenerated session counts as
// modified (its id differs from the one loaded), so with saveUninitialized false it is saved
// and its cookie sent even when nothing else was set. Mounted with resave, rolling and
// saveUninitialized variants; /<prefix>/stats counts the store's set, touch and destroy calls.
const express = require('express');
const session = require('express-session');
const { countingStore } = require('./counting_store');

const app = express();

function mount(prefix, options) {
  const { store, calls } = countingStore();
  const sub = express();
  sub.use(session({ secret: 'regenerate', name: prefix.slice(1) + '.sid', store,
    cookie: { path: prefix }, ...options }));
  sub.get('/write', (req, res) => {
    req.session.n = (req.session.n || 0) + 1;
    res.json({ n: req.session.n });
  });
  sub.get('/read', (req, res) => res.json({ n: req.session.n === undefined ? null : req.session.n }));
  sub.get('/regen', (req, res, next) => {
    req.session.regenerate((err) => (err ? next(err) : res.send('regenerated')));
  });
  sub.get('/regen-save', (req, res, next) => {
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.save((err2) => (err2 ? next(err2) : res.send('regenerated and saved')));
    });
  });
  sub.get('/regen-write', (req, res, next) => {
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.n = 100;
      res.json({ n: req.session.n });
    });
  });
  sub.get('/stats', (req, res) => res.json(calls));
  app.use(prefix, sub);
}

mount('/plain', { resave: false, saveUninitialized: false });
mount('/rolling', { resave: false, saveUninitialized: false, rolling: true });
mount('/resave', { resave: true, saveUninitialized: false });
mount('/uninit', { resave: false, saveUninitialized: true });
mount('/maxage', { resave: false, saveUninitialized: false, cookie: { path: '/maxage', maxAge: 60000 } });

module.exports = app;
