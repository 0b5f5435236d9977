// CORS headers set by hand, with a preflight answer, before the cors package is installed.
const express = require('express');

const app = express();
const PORT = process.env.PORT || 3000;
const ALLOWED = ['https://app.example.com', 'http://localhost:5173'];

app.use((req, res, next) => {
  const origin = req.headers.origin;
  if (origin && ALLOWED.includes(origin)) {
    res.header('Access-Control-Allow-Origin', origin);
    res.header('Vary', 'Origin');
  }
  if (req.method === 'OPTIONS') {
    res.header('Access-Control-Allow-Methods', 'GET,POST,DELETE');
    res.header('Access-Control-Allow-Headers', 'Content-Type, Authorization');
    return res.sendStatus(204);
  }
  next();
});

app.use(express.json());

let items = ['apple'];

app.get('/items', (req, res) => res.json(items));

app.post('/items', (req, res) => {
  items = [...items, String(req.body.item)];
  res.status(201).json(items);
});

app.listen(PORT, () => console.log(`CORS demo on ${PORT}`));
