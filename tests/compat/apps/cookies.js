// res.cookie and res.clearCookie: serialisation, attribute order, encoding.
const express = require('express');

const app = express();

app.get('/set', (req, res) => {
  res.cookie('a', 'b c', { maxAge: 1000, httpOnly: true, sameSite: 'lax' });
  res.cookie('plain', 'v');
  res.cookie('j', { x: 1 });
  res.cookie('p', '1', {
    path: '/sub', domain: 'example.com', secure: true, expires: new Date(Date.UTC(2100, 0, 1)),
  });
  res.cookie('strict', 'x', { sameSite: 'strict', priority: 'high', partitioned: true, secure: true });
  res.send('ok');
});
app.get('/clear', (req, res) => {
  res.clearCookie('a');
  res.clearCookie('p', { path: '/sub', domain: 'example.com' });
  res.send('cleared');
});
app.get('/echo', (req, res) => res.send(req.get('Cookie') || 'no cookies'));

module.exports = app;
