// Controllers mounted from a folder, each with its own views and engine (Express's
// examples/mvc), and a view engine of the app's own for .tpl pages (examples/markdown).
const express = require('express');
const session = require('express-session');
const fs = require('fs');
const path = require('path');

const app = express();
const PORT = process.env.PORT || 3000;

// {name} in a .tpl page is the render's local of that name
app.engine('tpl', function (file, options, fn) {
  fs.readFile(file, 'utf8', function (err, str) {
    if (err) return fn(err);
    const html = str.replace(/\{(\w+)\}/g, function (_, name) {
      return String(options[name] || '');
    });
    fn(null, html);
  });
});
app.set('views', path.join(__dirname, 'views'));
app.set('view engine', 'tpl');

// res.message() keeps a message in the session for the next page
app.response.message = function (msg) {
  const sess = this.req.session;
  sess.messages = sess.messages || [];
  sess.messages.push(msg);
  return this;
};

app.use(express.urlencoded({ extended: false }));
app.use(session({ secret: 'boot-secret', resave: false, saveUninitialized: false }));
app.use(function (req, res, next) {
  res.locals.messages = req.session.messages || [];
  req.session.messages = [];
  next();
});

require('./lib/boot')(app);

app.get('/about', (req, res) => res.render('about', { title: 'About us', count: 3 }));
app.get('/missing', (req, res) => res.render('nope', { title: 'none' }));

app.use((err, req, res, next) => res.status(500).send('failed'));

app.listen(PORT, () => console.log(`Controllers on ${PORT}`));
