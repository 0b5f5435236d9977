const User = require('../models/userModel');

exports.listUsers = (req, res) => {
  const sort = req.query.sort || 'id';
  const users = [...User.all()].sort((a, b) => (a[sort] > b[sort] ? 1 : -1));
  res.json(users.map((u) => ({ id: u.id, name: `${u.firstName} ${u.lastName}` })));
};

exports.getUser = (req, res) => {
  const user = User.byId(+req.params.id);
  if (user === undefined) {
    res.status(404);
    return res.json({ message: 'User not found' });
  }
  res.json({ ...user, fullName: user.firstName + ' ' + user.lastName, adult: user.age >= 18 });
};

exports.createUser = (req, res) => {
  const { firstName, lastName, email } = req.body;
  if (!firstName || !email || !email.includes('@')) {
    return res.status(400).json({ message: 'firstName and a valid email are required' });
  }
  const user = User.add({ firstName, lastName: lastName || '', email, age: Number(req.body.age) || null });
  res.status(201).location(`/users/${user.id}`).json(user);
};
