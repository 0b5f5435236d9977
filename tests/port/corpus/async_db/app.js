const express = require('express');
const db = require('./db');

const app = express();
const PORT = process.env.PORT || 3000;
app.use(express.json());

app.get('/notes', async (req, res) => {
  const notes = await db.findAll();
  res.json({ count: notes.length, notes });
});

app.get('/notes/:id', async (req, res, next) => {
  try {
    const note = await db.findById(Number(req.params.id));
    if (!note) {
      return res.status(404).json({ error: 'Note not found' });
    }
    res.json(note);
  } catch (err) {
    next(err);
  }
});

app.post('/notes', async (req, res) => {
  try {
    const note = await db.create(req.body.text);
    res.status(201).json(note);
  } catch (err) {
    res.status(400).json({ error: err.message });
  }
});

// The same lookup written with .then/.catch.
app.get('/first', (req, res) => {
  db.findAll()
    .then((notes) => {
      res.send(`First note: ${notes[0].text}`);
    })
    .catch((err) => {
      res.status(500).send(err.message);
    });
});

app.listen(PORT, () => console.log(`Notes API on port ${PORT}`));
