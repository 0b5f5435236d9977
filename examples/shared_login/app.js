// The Node half of the shared-login demo: Express 5, express-session 1.19 and connect-redis.
// app.py is the same app in expresspy. Both use one Redis, one key prefix, one session secret
// and one cookie name, so a login made on either app is a login on both, and signing out on
// either ends it on both. See README.md for how to run the pair.
'use strict';

const crypto = require('node:crypto');
const { promisify } = require('node:util');
const express = require('express');
const session = require('express-session');
const { RedisStore } = require('connect-redis');
const { createClient } = require('redis');

// What the two apps must agree on. Set SESSION_SECRET to the same long random value for both.
const SECRET = process.env.SESSION_SECRET || 'shared-login demo secret: change me';
const PREFIX = process.env.SHARED_LOGIN_PREFIX || 'shared-login:';
const COOKIE_NAME = 'shared.sid';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379/0';

const client = createClient({ url: REDIS_URL });
client.on('error', (err) => console.error('redis:', err.message));
client.connect().catch((err) => console.error('redis:', err.message));

// The one account: alice, password "wonderland", kept as an scrypt hash
// (N=16384, r=8, p=1, 32 bytes), the same parameters as app.py's hashlib.scrypt.
const USERS = {
  alice: {
    salt: '5e1f0c7a9b3d4e2f8a6b1c0d2e3f4a5b',
    hash: '22ad7c08774c67bc4029aa21d6072a3b648c99a9d52eb0cb3135238b0b83479c',
  },
};

const scrypt = promisify(crypto.scrypt);

async function authenticate(name, password) {
  const user = Object.hasOwn(USERS, name) ? USERS[name] : null;
  if (!user || typeof password !== 'string') return null;
  const hash = await scrypt(password, Buffer.from(user.salt, 'hex'), 32);
  return crypto.timingSafeEqual(hash, Buffer.from(user.hash, 'hex')) ? name : null;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(user, message) {
  const body = user
    ? `<p>Signed in as <strong>${escapeHtml(user)}</strong>.</p>
<form method="post" action="/logout"><button>Sign out</button></form>`
    : `<form method="post" action="/login">
<input name="username" placeholder="alice"> <input name="password" type="password">
<button>Sign in</button></form>`;
  const note = message ? `<p>${escapeHtml(message)}</p>\n` : '';
  return `<!DOCTYPE html>\n<title>Shared login</title>
<h1>Shared login, served by Node.js</h1>\n${note}${body}\n`;
}

const app = express();
app.use(express.urlencoded({ extended: false }));
app.use(session({
  name: COOKIE_NAME,
  secret: SECRET,
  store: new RedisStore({ client, prefix: PREFIX }),
  resave: false,
  saveUninitialized: false,
  cookie: { httpOnly: true, sameSite: 'lax', maxAge: 60 * 60 * 1000 },
}));

app.get('/', (req, res) => {
  res.send(page(req.session.user));
});

// Who is signed in, for scripts and tests.
app.get('/me', (req, res) => {
  res.json({ user: req.session.user || null, server: 'node' });
});

app.post('/login', async (req, res, next) => {
  const form = req.body || {};
  const user = await authenticate(form.username, form.password);
  if (!user) return res.status(401).send(page(null, 'Wrong name or password.'));
  // A new session id for the new privilege (against session fixation).
  req.session.regenerate((err) => {
    if (err) return next(err);
    req.session.user = user;
    res.redirect(303, '/');
  });
});

app.post('/logout', (req, res, next) => {
  req.session.destroy((err) => {
    if (err) return next(err);
    res.clearCookie(COOKIE_NAME);
    res.redirect(303, '/');
  });
});

const port = Number(process.env.PORT) || 3000;
app.listen(port, '127.0.0.1', () => {
  console.log(`Node app listening on http://127.0.0.1:${port}`);
});
