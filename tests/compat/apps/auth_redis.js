// passport + passport-local, connect-flash and csrf-sync over express-session with connect-redis:
// the login as stored in Redis. The interop test gives this app and auth_redis.py one key prefix,
// so they share logins, flash messages and CSRF tokens.
const express = require('express');
const session = require('express-session');
const flash = require('connect-flash');
const passport = require('passport');
const { csrfSync } = require('csrf-sync');
const LocalStrategy = require('passport-local').Strategy;
const { createClient } = require('redis');
const { RedisStore } = require('connect-redis');

const client = createClient({ url: 'redis://127.0.0.1:6379/0' });
client.connect().catch((err) => console.error(err));
const prefix = process.env.COMPAT_REDIS_PREFIX || `compat-passport-${process.pid}:`;

const USERS = { ann: { id: 1, username: 'ann', password: 'secret' } };
passport.use(new LocalStrategy((username, password, done) => {
  const user = USERS[username];
  return done(null, user && user.password === password ? user : false);
}));
passport.serializeUser((user, done) => done(null, { id: user.id, name: user.username }));
passport.deserializeUser((stored, done) => done(null, USERS[stored.name] || false));

const app = express();
app.use(express.urlencoded({ extended: false }));
app.use(session({ store: new RedisStore({ client, prefix }), secret: 'passport-redis-secret',
  resave: false, saveUninitialized: false, cookie: { maxAge: 60000 } }));
app.use(flash());
app.use(passport.initialize());
app.use(passport.session());

app.post('/login', passport.authenticate('local'), (req, res) => res.json({ user: req.user.username }));
app.get('/me', (req, res) => res.json({ user: req.user ? req.user.username : null }));
app.get('/flash-add', (req, res) => res.json({ count: req.flash('info', req.query.msg) }));
app.get('/flash-read', (req, res) => res.json(req.flash('info')));

const { csrfSynchronisedProtection } = csrfSync();  // the x-csrf-token header
app.get('/csrf-token', csrfSynchronisedProtection, (req, res) => res.json({ token: req.csrfToken() }));
app.post('/csrf-check', csrfSynchronisedProtection, (req, res) => res.json({ ok: true }));
app.use((err, req, res, next) => res.status(err.status || 500).json({ code: err.code || null }));

app.post('/logout', (req, res, next) => req.logout((err) => (err ? next(err) : res.json({ out: true }))));

// The stored record, its moment-dependent expiry replaced by its shape.
app.get('/record', async (req, res) => {
  const raw = await client.get(prefix + req.sessionID);
  const record = raw === null ? null : JSON.parse(raw);
  if (record) { record.cookie = Object.keys(record.cookie).sort(); }
  res.json(record);
});

module.exports = app;
