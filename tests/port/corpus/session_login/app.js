// Session-based login and logout with express-session (the MemoryStore default).
const express = require('express');
const session = require('express-session');

const app = express();
const PORT = process.env.PORT || 3000;

// In a real app these would live in a database, with hashed passwords.
const users = [
  { username: 'alice', password: 'wonderland', role: 'admin' },
  { username: 'bob', password: 'builder', role: 'user' },
];

app.use(express.urlencoded({ extended: false }));
app.use(
  session({
    secret: 'keyboard cat',
    resave: false,
    saveUninitialized: false,
    cookie: { maxAge: 60 * 60 * 1000 },
  })
);

function isAuthenticated(req, res, next) {
  if (req.session.user) {
    next();
  } else {
    res.status(401).send('Please log in first');
  }
}

app.get('/', (req, res) => {
  if (req.session.user) {
    res.send(`Welcome back, ${req.session.user.username}! Visits: ${req.session.visits}`);
  } else {
    res.send('<a href="/login">Log in</a>');
  }
});

app.post('/login', (req, res) => {
  const { username, password } = req.body;
  const user = users.find((u) => u.username === username && u.password === password);
  if (!user) {
    return res.status(401).send('Invalid username or password');
  }
  req.session.regenerate((err) => {
    if (err) return res.status(500).send('Could not log in');
    req.session.user = { username: user.username, role: user.role };
    req.session.visits = 0;
    res.redirect('/dashboard');
  });
});

app.get('/dashboard', isAuthenticated, (req, res) => {
  req.session.visits++;
  res.send(`Dashboard of ${req.session.user.username} (${req.session.user.role}), visit ${req.session.visits}`);
});

app.get('/admin', isAuthenticated, (req, res) => {
  if (req.session.user.role !== 'admin') {
    return res.status(403).send('Admins only');
  }
  res.json({ admin: true, user: req.session.user });
});

app.post('/logout', (req, res) => {
  req.session.destroy((err) => {
    if (err) {
      return res.status(500).send('Could not log out');
    }
    res.clearCookie('connect.sid');
    res.redirect('/');
  });
});

app.listen(PORT, () => console.log(`Listening on port ${PORT}`));
