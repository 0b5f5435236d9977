// passport 0.7 + passport-local 1.0 + connect-flash over express-session (memory store): login
// success and failure with and without redirects, flash and session messages, the custom
// callback, logout, (de)serialization, a custom strategy with a WWW-Authenticate challenge.
const express = require('express');
const session = require('express-session');
const flash = require('connect-flash');
const passport = require('passport');
const LocalStrategy = require('passport-local').Strategy;

const USERS = { ann: { id: 1, username: 'ann', password: 'secret' },
  bob: { id: 2, username: 'bob', password: 'hunter2' } };
const BY_ID = { 1: USERS.ann, 2: USERS.bob };
const gone = new Set(); // ids whose user was "deleted": the deserializer finds nothing

passport.use(new LocalStrategy((username, password, done) => {
  const user = USERS[username];
  if (username === 'boom') { return done(new Error('database down')); }
  if (!user) { return done(null, false, { message: 'Incorrect username.' }); }
  if (user.password !== password) { return done(null, false, { message: 'Incorrect password.', type: 'warning' }); }
  return done(null, user, { message: 'Welcome back!' });
}));
passport.use('email', new LocalStrategy({ usernameField: 'email', passwordField: 'pass', passReqToCallback: true },
  (req, email, password, done) => {
    const user = Object.values(USERS).find((u) => `${u.username}@example.com` === email);
    if (!user || user.password !== password || req.query.deny) { return done(null, false); }
    return done(null, user);
  }));

// A strategy of our own: a bearer-like token in a header; fails with a challenge string.
class TokenStrategy extends passport.Strategy {
  constructor() { super(); this.name = 'token'; }
  authenticate(req) {
    const token = req.headers['x-token'];
    if (!token) { return this.fail('Token realm="api"'); }
    if (token === 'redirect') { return this.redirect('/elsewhere', 307); }
    if (token === 'pass') { return this.pass(); }
    if (token === 'teapot') { return this.fail(418); }
    const user = USERS[token];
    return user ? this.success(user) : this.fail('Token error="invalid_token"');
  }
}
passport.use(new TokenStrategy());

passport.serializeUser((user, done) => done(null, user.id));
passport.deserializeUser((id, done) => done(null, gone.has(id) ? null : BY_ID[id]));

const app = express();
app.use(express.urlencoded({ extended: false }));
app.use(session({ secret: 'passport-secret', resave: false, saveUninitialized: false }));
app.use(flash());
app.use(passport.initialize());
app.use(passport.session());

const view = (req) => ({
  user: req.user ? req.user.username : null,
  authenticated: req.isAuthenticated(),
  unauthenticated: req.isUnauthenticated(),
  passport: req.session.passport || null,
  messages: req.session.messages || null,
  flash: req.session.flash || null,
});

app.get('/me', (req, res) => res.json(view(req)));
app.get('/flashes', (req, res) => res.json(req.flash()));
app.get('/return-to', (req, res) => { req.session.returnTo = '/me?returned=1'; res.json(view(req)); });

app.post('/login', passport.authenticate('local', { successRedirect: '/me', failureRedirect: '/flashes', failureFlash: true }));
app.post('/login-plain', passport.authenticate('local'), (req, res) => res.json({ ...view(req), authInfo: req.authInfo }));
app.post('/login-message', passport.authenticate('local', { failureMessage: true, failureRedirect: '/me', badRequestMessage: 'Both fields, please.' }));
app.post('/login-flash-text', passport.authenticate('local', {
  failureFlash: 'Invalid username or password.', successFlash: 'Signed in.', successMessage: true,
  successRedirect: '/me', failureRedirect: '/flashes' }));
app.post('/login-keep', passport.authenticate('local', { successFlash: true, keepSessionInfo: true, successRedirect: '/me' }));
app.post('/login-return', passport.authenticate('local', { successReturnToOrRedirect: '/', keepSessionInfo: true }));
app.post('/login-nosession', passport.authenticate('local', { session: false }), (req, res) => res.json(view(req)));
app.post('/login-error', passport.authenticate('local', { failWithError: true }));
app.post('/login-email', passport.authenticate('email', { successRedirect: '/me' }));

app.post('/login-callback', (req, res, next) => {
  passport.authenticate('local', (err, user, info, status) => {
    if (err) { return next(err); }
    if (!user) { return res.status(422).json({ user, info: info || null, status: status || null }); }
    req.logIn(user, (err2) => {
      if (err2) { return next(err2); }
      return res.json({ loggedIn: user.username, info, session: req.session.passport });
    });
  })(req, res, next);
});

app.get('/api', passport.authenticate('token', { session: false }), (req, res) => res.json(view(req)));
app.get('/api-multi', passport.authenticate(['token', 'local'], { session: false }), (req, res) => res.json(view(req)));
app.get('/api-callback', (req, res, next) => {
  passport.authenticate(['token', 'local'], (err, user, challenges, statuses) => {
    res.json({ user: user || null, challenges, statuses: statuses.map((s) => s || null) });
  })(req, res, next);
});
app.get('/api-unknown', passport.authenticate('nope'));

app.post('/logout', (req, res, next) => {
  req.logout((err) => {
    if (err) { return next(err); }
    res.redirect('/me');
  });
});
app.post('/delete-me', (req, res) => { gone.add(req.user.id); res.json({ deleted: req.user.username }); });

app.use((err, req, res, next) => {
  res.status(err.status || 500).json({ name: err.name, message: err.message, status: err.status || null });
});

module.exports = app;
