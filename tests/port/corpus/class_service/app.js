const express = require('express');
const { ProductService } = require('./services/ProductService');

const app = express();
const PORT = process.env.PORT || 3000;

const service = new ProductService([
  { id: 1, name: 'Desk', price: 120 },
  { id: 2, name: 'Chair', price: 45.5 },
]);

app.get('/products/:id', async (req, res, next) => {
  try {
    const product = await service.findById(Number(req.params.id));
    res.json(product);
  } catch (err) {
    next(err);
  }
});

app.get('/stats', (req, res) => {
  res.json({ count: service.count, lookups: service.lookups });
});

app.use((err, req, res, next) => {
  res.status(err.status || 500).json({ error: err.message });
});

app.listen(PORT, () => console.log(`Products on ${PORT}`));
