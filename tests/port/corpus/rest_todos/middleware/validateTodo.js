// Checks the body of a create/update request.
function validateTodo(req, res, next) {
  const { title, priority } = req.body;
  const errors = [];
  if (!title || title.trim().length === 0) {
    errors.push('title is required');
  } else if (title.length > 20) {
    errors.push(`title is too long (${title.length} > 20)`);
  }
  if (priority !== undefined && ![1, 2, 3].includes(priority)) {
    errors.push('priority must be 1, 2 or 3');
  }
  if (errors.length > 0) {
    return res.status(400).json({ errors });
  }
  next();
}

module.exports = validateTodo;
