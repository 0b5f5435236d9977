// express-session options, one mounted session per path prefix (each with its own cookie name
// and path), and regenerate / destroy.
const express = require('express');
const session = require('express-session');

const app = express();

const counter = (req, res) => {
  req.session.views = (req.session.views || 0) + 1;
  res.json({ views: req.session.views });
};
const peek = (req, res) => res.json({ views: req.session.views ?? null });

// saveUninitialized: every new session is stored and cookied; Expires from maxAge.
app.use('/a', session({
  secret: 'secret-a', name: 'a.sid', resave: false, saveUninitialized: true,
  cookie: { maxAge: 60000, sameSite: 'lax', path: '/a' },
}));
app.get('/a/count', counter);
app.get('/a/peek', peek);

// A session at `prefix` that stores nothing until it is modified.
const mount = (prefix, secret, name, options) => app.use(prefix, session({
  secret, name, resave: false, saveUninitialized: false, ...options,
}));

// rolling: a loaded session's cookie is re-sent on every response.
mount('/b', 'secret-b', 'b.sid', { rolling: true, cookie: { maxAge: 60000, path: '/b', httpOnly: false } });
app.get('/b/count', counter);
app.get('/b/peek', peek);

// secure over plain HTTP: the cookie is never sent.
mount('/c', 'secret-c', 'c.sid', { cookie: { path: '/c', secure: true } });
app.get('/c/count', counter);

// Secret rotation: the first secret signs, all verify.
mount('/d', ['secret-new', 'secret-old'], 'd.sid', { cookie: { path: '/d' } });
app.get('/d/count', counter);
app.get('/d/login', (req, res) => {
  req.session.regenerate((err) => {
    if (err) return res.status(500).send('regenerate failed');
    req.session.user = 'ann';
    res.send(`welcome ${req.session.user}`);
  });
});
app.get('/d/me', (req, res) => res.json({ user: req.session.user ?? null }));
app.get('/d/draft', (req, res) => {
  req.session._draft = 'saved';
  res.send('drafted');
});
app.get('/d/draft-read', (req, res) => res.json({ draft: req.session._draft ?? null }));
app.get('/d/logout', (req, res) => {
  req.session.destroy(() => res.send('bye'));
});

module.exports = app;
