const express = require('express');
const validateTodo = require('../middleware/validateTodo');

const router = express.Router();

let todos = [
  { id: 1, title: 'Learn Express', done: true, priority: 1 },
  { id: 2, title: 'Port it to Python', done: false, priority: 2 },
];
let nextId = 3;

// GET /api/todos?done=true
router.get('/', (req, res) => {
  const { done } = req.query;
  if (done !== undefined) {
    return res.json(todos.filter((t) => String(t.done) === done));
  }
  res.json(todos);
});

router.get('/:id', (req, res) => {
  const todo = todos.find((t) => t.id === parseInt(req.params.id, 10));
  if (!todo) return res.status(404).json({ error: 'Todo not found' });
  res.json(todo);
});

router.post('/', validateTodo, (req, res) => {
  const todo = {
    id: nextId++,
    title: req.body.title.trim(),
    done: false,
    priority: req.body.priority ?? 3,
  };
  todos.push(todo);
  res.status(201).json(todo);
});

router.put('/:id', validateTodo, (req, res) => {
  const index = todos.findIndex((t) => t.id === Number(req.params.id));
  if (index === -1) {
    return res.status(404).json({ error: 'Todo not found' });
  }
  todos[index] = { ...todos[index], ...req.body, id: todos[index].id };
  res.json(todos[index]);
});

router.delete('/:id', (req, res) => {
  const id = Number(req.params.id);
  const before = todos.length;
  todos = todos.filter((t) => t.id !== id);
  if (todos.length === before) {
    return res.status(404).json({ error: 'Todo not found' });
  }
  res.status(204).end();
});

module.exports = router;
