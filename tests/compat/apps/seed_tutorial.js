// The seed tutorial (issue 2) in Express 5 + express-session 1.19.
const express = require('express');
const session = require('express-session');

const app = express();
app.use(session({ secret: 'my-secret-key', resave: false, saveUninitialized: false }));

app.get('/set-session', (req, res) => {
  req.session.username = 'john_doe';
  res.send('Session data has been set.');
});

app.get('/get-session', (req, res) => {
  const username = req.session.username;
  res.send(`Hello, ${username}!`);
});

app.get('/clear-session', (req, res) => {
  req.session.destroy((err) => {
    if (err) {
      res.status(500).send('Error clearing session');
    } else {
      res.send('Session has been cleared.');
    }
  });
});

module.exports = app;
