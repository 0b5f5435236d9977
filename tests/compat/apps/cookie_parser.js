// cookie-parser: plain, JSON (j:) and signed (s:) cookies, rotated secrets, tampering; and
// res.cookie's signed and JSON values.
const express = require('express');
const cookieParser = require('cookie-parser');

const app = express();

function echo(req, res) {
  res.json({ cookies: req.cookies, signed: req.signedCookies, secret: req.secret });
}

app.get('/echo', cookieParser('sekrit'), echo);
app.get('/rotated', cookieParser(['new-secret', 'old-secret']), echo);
app.get('/nosecret', cookieParser(), echo);
app.get('/set', cookieParser('sekrit'), (req, res) => {
  res.cookie('s', 'value', { signed: true });
  res.cookie('j', { a: 1, b: [true, null] });
  res.cookie('sj', { a: 1 }, { signed: true });
  res.cookie('odd', 'a b;c,d=é', { signed: true });
  res.send('set');
});

module.exports = app;
