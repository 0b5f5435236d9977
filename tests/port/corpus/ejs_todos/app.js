// A to-do list kept in the session, rendered with EJS.
const express = require('express');
const session = require('express-session');

const app = express();
const PORT = process.env.PORT || 3000;

app.set('view engine', 'ejs');
app.use(express.urlencoded({ extended: false }));
app.use(session({ secret: 'todo-secret', resave: false, saveUninitialized: true }));

app.use((req, res, next) => {
  if (!req.session.todos) {
    req.session.todos = [];
  }
  res.locals.notice = req.session.notice;
  req.session.notice = null;
  next();
});

app.get('/', (req, res) => {
  const done = req.session.todos.filter((t) => t.done).length;
  res.render('index', { todos: req.session.todos, done, pageTitle: 'To do' });
});

app.post('/todos', (req, res) => {
  const text = (req.body.text || '').trim();
  if (text === '') {
    req.session.notice = 'Please type something';
  } else {
    req.session.todos.push({ text, done: false });
    req.session.notice = `Added "${text}"`;
  }
  res.redirect('/');
});

app.post('/todos/:index/toggle', (req, res) => {
  const todo = req.session.todos[req.params.index];
  if (todo) {
    todo.done = !todo.done;
  }
  res.redirect('/');
});

app.listen(PORT, () => console.log(`Todos on ${PORT}`));
