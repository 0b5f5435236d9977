// ES modules: import/export instead of require, "type": "module" in package.json.
import express from 'express';
import notesRouter, { MAX_LENGTH } from './routes/notes.js';

const app = express();
const PORT = process.env.PORT ?? 3000;

app.use(express.json());
app.use('/notes', notesRouter);

app.get('/limits', (req, res) => {
  res.json({ maxLength: MAX_LENGTH });
});

app.listen(PORT, () => {
  console.log(`ESM app listening on ${PORT}`);
});
