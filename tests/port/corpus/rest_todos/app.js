// A REST API for todos: express.json, a router module and a validation middleware.
const express = require('express');
const todoRoutes = require('./routes/todos');

const app = express();
const PORT = process.env.PORT || 3000;

app.use(express.json());

app.use('/api/todos', todoRoutes);

app.get('/health', (req, res) => res.json({ status: 'ok', time: typeof Date.now() === 'number' }));

// 404 for everything else
app.use((req, res) => {
  res.status(404).json({ error: 'Route not found', path: req.originalUrl });
});

app.listen(PORT, () => {
  console.log(`API server listening on port ${PORT}`);
});
