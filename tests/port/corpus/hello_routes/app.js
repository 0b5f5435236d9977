// Getting started: routes, params, query strings and JSON.
const express = require('express');

const app = express();
const PORT = process.env.PORT || 3000;

const books = [
  { id: 1, title: 'Dune', author: 'Frank Herbert', price: 9.99 },
  { id: 2, title: 'Emma', author: 'Jane Austen', price: 5.0 },
  { id: 3, title: 'Ulysses', author: 'James Joyce', price: 12.5 },
];

app.get('/', (req, res) => {
  res.send('Welcome to the bookstore!');
});

app.get('/books', (req, res) => {
  const { author, maxPrice } = req.query;
  let result = books;
  if (author) {
    result = result.filter((b) => b.author.toLowerCase().includes(author.toLowerCase()));
  }
  if (maxPrice) {
    result = result.filter((b) => b.price <= parseFloat(maxPrice));
  }
  res.json(result);
});

app.get('/books/:id', (req, res) => {
  const book = books.find((b) => b.id === parseInt(req.params.id));
  if (!book) {
    return res.status(404).json({ message: `Book ${req.params.id} not found` });
  }
  res.json(book);
});

app.get('/greet/:name', (req, res) => {
  const times = Number(req.query.times) || 1;
  const greeting = `Hello, ${req.params.name}! `.repeat(times).trim();
  res.type('text').send(greeting);
});

// The total of all prices, as a number and as text.
app.get('/stats', (req, res) => {
  const total = books.map((b) => b.price).length;
  const titles = books.map((b) => b.title);
  res.send(`We have ${total} books: ${titles} (first: ${titles[0]}, none: ${req.query.none})`);
});

app.use((req, res) => {
  res.status(404).send('Sorry, that page does not exist.');
});

app.listen(PORT, () => {
  console.log(`Server is running on http://localhost:${PORT}`);
});
