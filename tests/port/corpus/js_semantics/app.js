// Small endpoints whose answers depend on JavaScript's own rules.
const express = require('express');

const app = express();
const PORT = process.env.PORT || 3000;

app.get('/page', (req, res) => {
  const page = parseInt(req.query.page);
  const size = Number(req.query.size) || 10;
  res.json({ page, valid: !isNaN(page), size, offset: (page - 1) * size });
});

app.get('/price', (req, res) => {
  const price = parseFloat(req.query.amount);
  const withTax = price * 1.2;
  res.send(`Price: ${price}, with tax: ${withTax.toFixed(2)}, half: ${price / 2}`);
});

app.get('/echo', (req, res) => {
  const { word, missing } = req.query;
  res.send(`word=${word} missing=${missing} length=${(word || '').length}`);
});

app.get('/tags', (req, res) => {
  const tags = (req.query.tags || '').split(',').filter((t) => t.length > 0);
  res.send(`Tags: ${tags} (${tags.length})`);
});

app.get('/compare/:a/:b', (req, res) => {
  const { a, b } = req.params;
  res.json({ loose: a == Number(b), strict: a === b, sum: a + b, numeric: Number(a) + Number(b) });
});

app.get('/stringify', (req, res) => {
  const data = { n: 10 / 4, whole: 8 / 2, list: [1, 'two', null], nested: { ok: true } };
  res.type('json').send(JSON.stringify(data));
});

app.listen(PORT, () => console.log(`Semantics demo on ${PORT}`));
