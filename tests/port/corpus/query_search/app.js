// Search, sort and paginate a list from the query string.
const express = require('express');

const app = express();
const PORT = process.env.PORT || 3000;

const movies = [
  { title: 'Alien', year: 1979, rating: 8.5, genres: ['horror', 'sci-fi'] },
  { title: 'Amélie', year: 2001, rating: 8.3, genres: ['comedy', 'romance'] },
  { title: 'Brazil', year: 1985, rating: 7.9, genres: ['sci-fi', 'comedy'] },
  { title: 'Heat', year: 1995, rating: 8.3, genres: ['crime'] },
  { title: 'Up', year: 2009, rating: 8.3, genres: ['animation', 'comedy'] },
];

app.get('/movies', (req, res) => {
  const { q = '', genre, sort = 'title', order = 'asc' } = req.query;
  const limit = Math.min(parseInt(req.query.limit, 10) || 2, 10);
  const page = Math.max(parseInt(req.query.page, 10) || 1, 1);

  let results = movies.filter((m) => m.title.toLowerCase().includes(q.toLowerCase()));
  if (genre) {
    results = results.filter((m) => m.genres.includes(genre));
  }
  results.sort((a, b) => {
    if (a[sort] < b[sort]) return order === 'asc' ? -1 : 1;
    if (a[sort] > b[sort]) return order === 'asc' ? 1 : -1;
    return 0;
  });

  const total = results.length;
  const start = (page - 1) * limit;
  res.json({
    total,
    page,
    pages: Math.ceil(total / limit),
    average: total ? Math.round((results.reduce((sum, m) => sum + m.rating, 0) / total) * 10) / 10 : null,
    results: results.slice(start, start + limit).map((m) => `${m.title} (${m.year})`),
  });
});

app.listen(PORT, () => console.log(`Search on ${PORT}`));
