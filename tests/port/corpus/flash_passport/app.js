// Login with passport-local, flash messages with connect-flash, sessions with express-session.
const express = require('express');
const session = require('express-session');
const flash = require('connect-flash');
const passport = require('passport');
const LocalStrategy = require('passport-local').Strategy;

const app = express();
const PORT = process.env.PORT || 3000;

const users = [{ id: 1, username: 'ann', password: 'secret' }];

passport.use(
  new LocalStrategy((username, password, done) => {
    const user = users.find((u) => u.username === username);
    if (!user) return done(null, false, { message: 'Unknown user' });
    if (user.password !== password) return done(null, false, { message: 'Wrong password' });
    return done(null, user);
  })
);

passport.serializeUser((user, done) => done(null, user.id));
passport.deserializeUser((id, done) => done(null, users.find((u) => u.id === id)));

app.use(express.urlencoded({ extended: false }));
app.use(session({ secret: 'flash-secret', resave: false, saveUninitialized: false }));
app.use(flash());
app.use(passport.initialize());
app.use(passport.session());

app.get('/login', (req, res) => {
  const errors = req.flash('error');
  res.send(`<p>${errors.join(', ')}</p><form method="post"><input name="username"></form>`);
});

app.post(
  '/login',
  passport.authenticate('local', { successRedirect: '/', failureRedirect: '/login', failureFlash: true })
);

app.get('/', (req, res) => {
  if (!req.isAuthenticated()) return res.redirect('/login');
  res.send(`Hello ${req.user.username}`);
});

app.post('/logout', (req, res, next) => {
  req.logout((err) => {
    if (err) return next(err);
    req.flash('info', 'Logged out');
    res.redirect('/login');
  });
});

app.listen(PORT, () => console.log(`Passport demo on ${PORT}`));
