// express-rate-limit 7 with its memory store: the limit reached, each standardHeaders draft,
// legacy headers off, custom message/status/handler, skip, skipSuccessfulRequests and
// skipFailedRequests, a limit function, req.rateLimit. Every limiter keys clients by the
// X-Client header, so each step group of the script counts on its own.
const express = require('express');
const { rateLimit } = require('express-rate-limit');

const app = express();
const keyGenerator = (req) => req.get('x-client') || 'anonymous';
const limiter = (options) => rateLimit({ windowMs: 60 * 1000, limit: 2, keyGenerator, ...options });

function ok(req, res) {
  res.send('ok');
}

function outcome(req, res) {
  res.status(Number(req.query.status || 200)).send(`status ${req.query.status || 200}`);
}

app.get('/basic', limiter({}), ok);
app.get('/draft6', limiter({ standardHeaders: true, legacyHeaders: false }), ok);
app.get('/draft7', limiter({ standardHeaders: 'draft-7', legacyHeaders: false }), ok);
app.get('/draft8', limiter({ standardHeaders: 'draft-8', legacyHeaders: false }), ok);
app.get('/draft8-named', limiter({
  standardHeaders: 'draft-8', legacyHeaders: false, identifier: 'api', windowMs: 2 * 60 * 60 * 1000,
}), ok);
app.get('/no-headers', limiter({ legacyHeaders: false }), ok);
app.get('/legacy-max', rateLimit({ max: 1, headers: false, keyGenerator }), ok);
app.get('/json-message', limiter({ message: { error: 'slow down' }, statusCode: 503 }), ok);
app.get('/fn-message', limiter({
  message: (req, res) => `no more for ${req.get('x-client')}`,
}), ok);
app.get('/handler', limiter({
  handler: (req, res, next, options) => {
    const { limit, used, remaining } = req.rateLimit;
    res.status(options.statusCode).json({ limit, used, remaining, custom: true });
  },
}), ok);
app.get('/skip', limiter({ skip: (req) => req.query.free === '1' }), ok);
app.get('/skip-ok', limiter({ skipSuccessfulRequests: true }), outcome);
app.get('/skip-failed', limiter({ skipFailedRequests: true }), outcome);
app.get('/limit-fn', limiter({ limit: (req) => Number(req.get('x-limit')) }), ok);
app.get('/info', limiter({ limit: 3 }), (req, res) => {
  const { limit, used, remaining } = req.rateLimit;
  res.json({ limit, used, remaining, hasReset: req.rateLimit.resetTime instanceof Date });
});
// The default key: the client's IP (draft-8's pk is a hash of the key, so it shows the key).
app.get('/by-ip', rateLimit({ limit: 1, standardHeaders: 'draft-8', legacyHeaders: false }), ok);

module.exports = app;
