// Middleware order, path-prefixed middleware, routers mounted with parameters, URL rewriting,
// next('route'), next('router'), async handlers and errors inside a router.
const express = require('express');

const app = express();

const where = (req, res) => res.json({
  url: req.url, originalUrl: req.originalUrl, baseUrl: req.baseUrl, path: req.path,
  params: req.params,
});
// Records each middleware that ran in X-Trail, so the order is visible in the response.
const mark = (name) => (req, res, next) => {
  res.append('X-Trail', name);
  next();
};

app.use(mark('global'));
app.use('/static', mark('static-prefix'));
app.get('/static/file', where);
app.get('/staticfile', where);

const api = express.Router();
api.use(mark('api'));
api.get('/:id', where);
api.get('/', where);
api.use((err, req, res, next) => res.status(err.status || 500).json({ api_error: err.message }));
app.use('/api/:ver', api);

app.get('/api-fail', (req, res, next) => next(Object.assign(new Error('outside'), { status: 409 })));

const leaving = express.Router();
leaving.use('/gone', (req, res, next) => next('router'));
leaving.get('/gone', (req, res) => res.send('never'));
leaving.get('/stay', (req, res) => res.send('stayed'));
app.use('/leave', leaving);
app.get('/leave/gone', (req, res) => res.send('after the router'));

app.get('/skip', mark('first'), (req, res, next) => next('route'), (req, res) => res.send('never'));
app.get('/skip', (req, res) => res.send('second route'));

app.get('/async', async (req, res) => {
  await new Promise((resolve) => setTimeout(resolve, 10));
  res.send('async done');
});

app.get('/chain', mark('one'), mark('two'), (req, res) => res.send('chained'));

module.exports = app;
