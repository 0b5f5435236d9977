// Sessions in Redis through connect-redis: the cookie flow, and the stored record and TTL.
const express = require('express');
const session = require('express-session');
const { createClient } = require('redis');
const { RedisStore } = require('connect-redis');

const client = createClient({ url: 'redis://127.0.0.1:6379/0' });
client.connect().catch((err) => console.error(err));
// One prefix per process, so concurrent runs never read each other's sessions; the interop
// test gives a Node and a Python server the same prefix to share sessions.
const prefix = process.env.COMPAT_REDIS_PREFIX || `compat-${process.pid}:`;

const app = express();
app.use(session({
  store: new RedisStore({ client, prefix }),
  secret: 'redis-secret', resave: false, saveUninitialized: false,
  cookie: { maxAge: 60000 },
}));

app.get('/count', (req, res) => {
  req.session.views = (req.session.views || 0) + 1;
  res.json({ views: req.session.views });
});

// The stored record with the moment-dependent expiry replaced by its shape, and its TTL.
app.get('/record', async (req, res) => {
  const key = prefix + req.sessionID;
  const raw = await client.get(key);
  const record = raw === null ? null : JSON.parse(raw);
  if (record && typeof record.cookie.expires === 'string') {
    record.cookie.expires = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(record.cookie.expires)
      ? '<ISO date>' : record.cookie.expires;
  }
  if (record && typeof record.cookie.originalMaxAge === 'number') {
    // express-session derives it from `expires - now`, so it can read 59998 for a 60000 maxAge.
    record.cookie.originalMaxAge = Math.round(record.cookie.originalMaxAge / 1000) * 1000;
  }
  const ttl = await client.ttl(key);
  // To ten seconds, as a second may pass between saving and reading; -2 means no key.
  res.json({ record, ttl: ttl > 0 ? Math.round(ttl / 10) * 10 : ttl });
});

app.get('/logout', (req, res) => {
  req.session.destroy((err) => res.send(err ? 'failed' : 'bye'));
});

module.exports = app;
