// 404 pages and the default error handler (finalhandler), plus one error middleware.
const express = require('express');

const app = express();

// An Error with extra properties (status, statusCode) passed to next().
const failWith = (message, props) => (req, res, next) => next(Object.assign(new Error(message), props));

app.get('/throw', () => {
  throw new Error('boom');
});
app.get('/forbidden', failWith('Forbidden thing', { status: 403 }));
// finalhandler also reads err.statusCode.
app.get('/status-code', failWith('I am a teapot', { statusCode: 418 }));
// Only 4xx/5xx statuses count; anything else becomes 500.
app.get('/status-out-of-range', failWith('not an error status', { status: 302 }));
app.get('/html-in-message', failWith('<b>bold</b> & "quoted"', { status: 400 }));
app.get('/async-throw', async () => {
  throw new Error('async boom');
});
app.get('/res-status-then-error', (req, res, next) => {
  // With no status on the error, a 4xx/5xx res.statusCode is kept.
  res.status(503);
  next(new Error('unavailable'));
});
app.get('/api/fail', failWith('Unprocessable thing', { status: 422 }));
app.get('/api/ok', (req, res) => {
  res.json({ ok: true });
});
app.use('/api', (err, req, res, next) => {
  res.status(err.status || 500).json({ error: err.message });
});

module.exports = app;
