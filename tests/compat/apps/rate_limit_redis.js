// express-rate-limit with rate-limit-redis: one counter per client in Redis. The interop test
// serves this app and its Python twin with one COMPAT_REDIS_PREFIX, so they share the counts.
const express = require('express');
const { createClient } = require('redis');
const { rateLimit } = require('express-rate-limit');
const { RedisStore } = require('rate-limit-redis');

const client = createClient({ url: 'redis://127.0.0.1:6379/0' });
client.connect().catch((err) => console.error(err));
const prefix = process.env.COMPAT_REDIS_PREFIX || `compat-rl-${process.pid}:`;

const app = express();
app.use(rateLimit({
  windowMs: 60 * 1000,
  limit: 3,
  standardHeaders: 'draft-7',
  legacyHeaders: false,
  keyGenerator: (req) => req.get('x-client') || 'anonymous',
  store: new RedisStore({ sendCommand: (...args) => client.sendCommand(args), prefix }),
}));
app.get('/hit', (req, res) => {
  res.json({ runtime: 'express', used: req.rateLimit.used, remaining: req.rateLimit.remaining });
});

module.exports = app;
