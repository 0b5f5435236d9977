// connect-flash 0.1.1 over express-session: queue, count, format strings, arrays, read one type,
// read all, the session layout, and the error without a session.
const express = require('express');
const session = require('express-session');
const flash = require('connect-flash');

const app = express();

// Without a session: req.flash() throws.
app.get('/nosession', flash(), (req, res) => res.json(req.flash('info')));

app.use(session({ secret: 'flash-secret', resave: false, saveUninitialized: false }));
app.use(flash());

app.get('/add', (req, res) => res.json({ count: req.flash(req.query.type, req.query.msg) }));
app.get('/add-array', (req, res) => res.json({ count: req.flash('info', ['one', 'two', 'three']) }));
app.get('/add-format', (req, res) => {
  const counts = [
    req.flash('fmt', 'Hello %s, you have %d new messages', 'ann', 3),
    req.flash('fmt', '%s and %s', 'only one'),
    req.flash('fmt', '100%% sure, %i%% done, %f', '42.9px', '1.5e2x'),
    req.flash('fmt', 'json %j', { a: [1, 'two', null], b: true }),
    req.flash('fmt', 'object %s array %s', { a: 1, nested: { b: 2 } }, [1, [2, [3]]]),
    req.flash('fmt', 'extra', 'args', 7, { k: 'v' }),
    req.flash('fmt', '%d %d %d', '12', 'abc', true),
    req.flash('fmt', '%O and %o', { deep: { deeper: { deepest: { end: 1 } } } }, 'str'),
    req.flash('fmt', '%c styled %s', 'color: red', 'text'),
    req.flash('fmt', 'unknown %x %s', 'kept'),
  ];
  res.json({ counts });
});
app.get('/add-empty', (req, res) => res.json({ count: req.flash('info', '') }));
app.get('/read/:type', (req, res) => res.json(req.flash(req.params.type)));
app.get('/all', (req, res) => res.json(req.flash()));
app.get('/session', (req, res) => res.json(req.session.flash === undefined ? null : req.session.flash));

module.exports = app;
