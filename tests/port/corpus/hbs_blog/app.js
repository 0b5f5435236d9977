// A Handlebars blog: each over an object, with, partials and a second layout.
const express = require('express');
const exphbs = require('express-handlebars');

const app = express();
const PORT = process.env.PORT || 3000;

app.engine('hbs', exphbs.engine({ extname: '.hbs', defaultLayout: 'main' }));
app.set('view engine', 'hbs');

const authors = {
  ann: { name: 'Ann Lee', posts: 3 },
  raj: { name: 'Raj Patel', posts: 0 },
};

app.get('/', (req, res) => {
  res.render('home', {
    title: 'The Blog',
    authors,
    featured: { title: 'On <tags> & "quotes"', author: authors.ann },
  });
});

app.get('/print', (req, res) => {
  res.render('home', { title: 'Printable', authors: {}, featured: null, layout: 'plain' });
});

app.listen(PORT, () => console.log(`Blog on ${PORT}`));
