// The classic page-view counter: what is in a session, and when it expires.
const express = require('express');
const session = require('express-session');

const app = express();
const PORT = process.env.PORT || 3000;

app.use(
  session({
    name: 'sid',
    secret: 'counter secret',
    resave: false,
    saveUninitialized: false,
    cookie: { maxAge: 30 * 60 * 1000, httpOnly: true },
  })
);

app.get('/', (req, res) => {
  if (req.session.views) {
    req.session.views++;
    res.setHeader('Content-Type', 'text/html');
    const minutes = Math.round(req.session.cookie.maxAge / 60000);
    res.send('<p>views: ' + req.session.views + '</p><p>expires in: ' + minutes + ' min</p>');
  } else {
    req.session.views = 1;
    res.send('welcome to the session demo. refresh!');
  }
});

app.get('/history/:page', (req, res) => {
  const history = req.session.history || [];
  history.push(req.params.page);
  req.session.history = history.slice(-3);
  res.send(`Last pages: ${req.session.history.join(' > ')}`);
});

app.get('/reset', (req, res) => {
  req.session.regenerate((err) => {
    if (err) return res.sendStatus(500);
    res.send('A fresh session');
  });
});

app.listen(PORT, () => console.log(`Counter on port ${PORT}`));
