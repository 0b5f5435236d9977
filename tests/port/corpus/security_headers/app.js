// Hardening an API: helmet's headers and express-rate-limit.
const express = require('express');
const helmet = require('helmet');
const rateLimit = require('express-rate-limit');

const app = express();
const PORT = process.env.PORT || 3000;

app.use(helmet());

const limiter = rateLimit({
  windowMs: 15 * 60 * 1000,
  max: 3,
  message: { error: 'Too many requests, try again later' },
});
app.use('/api', limiter);

app.get('/api/status', (req, res) => {
  res.json({ status: 'up' });
});

app.listen(PORT, () => console.log(`Secure API on ${PORT}`));
