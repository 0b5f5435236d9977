// Centralised error handling: a custom error class, async routes and a 404 catch-all.
const express = require('express');

const app = express();
const PORT = process.env.PORT || 3000;

class AppError extends Error {
  constructor(message, statusCode) {
    super(message);
    this.statusCode = statusCode;
  }
}

const products = { 1: { id: 1, name: 'Lamp' } };

app.get('/products/:id', (req, res, next) => {
  const product = products[req.params.id];
  if (!product) {
    return next(new AppError(`Product ${req.params.id} not found`, 404));
  }
  res.json(product);
});

app.get('/boom', (req, res) => {
  throw new Error('Something exploded');
});

app.get('/async-boom', async (req, res) => {
  await Promise.resolve();
  throw new AppError('Async failure', 503);
});

app.get('/validate', (req, res, next) => {
  const age = Number(req.query.age);
  if (Number.isNaN(age) || age < 0) {
    const err = new Error('age must be a positive number');
    err.status = 400;
    return next(err);
  }
  res.send(`age ok: ${age}`);
});

// Nothing matched: make a 404 error and hand it on.
app.use((req, res, next) => {
  next(new AppError(`Cannot find ${req.method} ${req.path}`, 404));
});

// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  const status = err.statusCode || err.status || 500;
  res.status(status).json({
    status: status >= 500 ? 'error' : 'fail',
    message: err.message,
  });
});

app.listen(PORT, () => {
  console.log(`Listening on ${PORT}`);
});
