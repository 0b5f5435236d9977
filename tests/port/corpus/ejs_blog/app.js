// A tiny blog with EJS views, partials and a form that posts back.
const express = require('express');
const path = require('path');

const app = express();
const PORT = process.env.PORT || 3000;

app.set('view engine', 'ejs');
app.set('views', path.join(__dirname, 'views'));

app.use(express.urlencoded({ extended: true }));
app.use(express.static(path.join(__dirname, 'public')));

const posts = [
  { id: 1, title: 'Hello <World>', body: 'First post & more', tags: ['intro', 'news'], rating: 4.0 },
  { id: 2, title: "Bob's notes", body: 'Second post', tags: [], rating: 3.5 },
];

app.get('/', (req, res) => {
  res.render('index', { title: 'My Blog', posts, user: req.query.user });
});

app.get('/posts/:id', (req, res) => {
  const post = posts.find((p) => p.id == req.params.id);
  if (!post) {
    return res.status(404).render('404', { title: 'Not found', url: req.originalUrl });
  }
  res.render('post', { title: post.title, post });
});

app.get('/new', (req, res) => {
  res.render('new', { title: 'New post', errors: [] });
});

app.post('/posts', (req, res) => {
  const { title, body } = req.body;
  const errors = [];
  if (!title) errors.push('Title is required');
  if (!body || body.length < 5) errors.push('Body must have at least 5 characters');
  if (errors.length) {
    return res.status(422).render('new', { title: 'New post', errors });
  }
  const post = { id: posts.length + 1, title, body, tags: [], rating: 0 };
  posts.push(post);
  res.redirect(`/posts/${post.id}`);
});

app.listen(PORT, () => console.log(`Blog running on port ${PORT}`));
