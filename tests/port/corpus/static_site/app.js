// Serving a static site: serve-static for the files, a JSON endpoint and a 404 page.
const express = require('express');
const serveStatic = require('serve-static');
const path = require('path');

const app = express();
const PORT = process.env.PORT || 3000;

app.use(serveStatic(path.join(__dirname, 'public'), { index: ['index.html'] }));
app.use('/assets', express.static(path.join(__dirname, 'public', 'img')));

app.get('/api/time', (req, res) => {
  res.json({ zone: 'UTC', ok: true });
});

app.use((req, res) => {
  res.status(404).sendFile(path.join(__dirname, 'public', '404.html'));
});

app.listen(PORT, () => console.log(`Static site at http://localhost:${PORT}`));
