// csrf-sync 4.2.1 over express-session, configured with csurf's token places (body _csrf, then
// the csrf-token, xsrf-token, x-csrf-token and x-xsrf-token headers), which is expresspy's
// csrf() default. Tokens are random, so /token reports their shape, and /fix stores a known
// token for the steps that send a valid one.
const express = require('express');
const session = require('express-session');
const { csrfSync } = require('csrf-sync');

const KNOWN = 'a'.repeat(64);
const getTokenFromRequest = (req) => (req.body && req.body._csrf) || req.headers['csrf-token']
  || req.headers['xsrf-token'] || req.headers['x-csrf-token'] || req.headers['x-xsrf-token'];
const { csrfSynchronisedProtection, revokeToken } = csrfSync({ getTokenFromRequest });
const skipping = csrfSync({ getTokenFromRequest, skipCsrfProtection: (req) => req.path === '/skip' });

const app = express();
app.use(express.urlencoded({ extended: false }));
app.use(session({ secret: 'csrf-secret', resave: false, saveUninitialized: false }));

app.post('/unprotected', (req, res) => res.json({ ok: true }));
app.post('/skip', skipping.csrfSynchronisedProtection, (req, res) => res.json({ skipped: true }));

app.use(csrfSynchronisedProtection);

app.get('/token', (req, res) => {
  const token = req.csrfToken();
  res.json({ length: token.length, hex: /^[0-9a-f]+$/.test(token), stable: req.csrfToken() === token,
    stored: req.session.csrfToken === token });
});
app.get('/renew', (req, res) => {
  const before = req.session.csrfToken;
  const token = req.csrfToken(true);
  res.json({ changed: token !== before, stored: req.session.csrfToken === token });
});
app.get('/fix', (req, res) => { req.session.csrfToken = KNOWN; res.json({ fixed: true }); });
app.get('/revoke', (req, res) => { revokeToken(req); res.json({ revoked: req.session.csrfToken === undefined }); });
app.post('/transfer', (req, res) => res.json({ transferred: true }));
app.put('/transfer', (req, res) => res.json({ replaced: true }));
app.options('/transfer', (req, res) => res.json({ options: true }));
app.post('/default-page', (req, res) => res.send('never'));

// JSON errors for every route but /default-page, which shows the default error page.
app.use((err, req, res, next) => {
  if (req.path === '/default-page') { return next(err); }
  res.status(err.status || 500).json({ status: err.status, code: err.code, message: err.message });
});

module.exports = app;
