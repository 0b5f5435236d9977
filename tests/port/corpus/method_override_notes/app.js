// HTML forms can only GET and POST: a small middleware turns ?_method=DELETE into a DELETE
// (what the method-override package does).
const express = require('express');

const app = express();
const PORT = process.env.PORT || 3000;

app.use(express.urlencoded({ extended: true }));
app.use((req, res, next) => {
  const override = req.query._method;
  if (req.method === 'POST' && override) {
    req.method = override.toUpperCase();
  }
  next();
});

const notes = new Array();
notes.push({ id: 1, text: 'first' });

app.get('/notes', (req, res) => {
  const items = notes.map((n) => `<li>${n.text} <form method="POST" action="/notes/${n.id}?_method=DELETE"><button>x</button></form></li>`);
  res.send(`<ul>${items.join('')}</ul>`);
});

app.post('/notes', (req, res) => {
  notes.push({ id: notes.length + 1, text: req.body.text });
  res.redirect('/notes');
});

app.put('/notes/:id', (req, res) => {
  const note = notes.find((n) => n.id == req.params.id);
  if (note) note.text = req.body.text;
  res.redirect('/notes');
});

app.delete('/notes/:id', (req, res) => {
  const index = notes.findIndex((n) => n.id == req.params.id);
  if (index !== -1) notes.splice(index, 1);
  res.redirect(303, '/notes');
});

app.listen(PORT, () => console.log(`Notes on ${PORT}`));
