// express-session without a secret option: it signs with cookie-parser's secret (req.secret);
// with neither, each request fails with "secret option required for sessions".
const express = require('express');
const cookieParser = require('cookie-parser');
const session = require('express-session');

const app = express();

const counter = (req, res) => {
  req.session.views = (req.session.views || 0) + 1;
  res.json({ views: req.session.views });
};

app.use('/p', cookieParser('parser-secret'));
app.use('/p', session({ name: 'p.sid', resave: false, saveUninitialized: false, cookie: { path: '/p' } }));
app.get('/p/count', counter);

app.use('/n', session({ name: 'n.sid', resave: false, saveUninitialized: false, cookie: { path: '/n' } }));
app.get('/n/count', counter);

app.use((err, req, res, next) => res.status(500).json({ error: err.message }));

module.exports = app;
