// The "model": an in-memory list standing in for a database table.
const users = [
  { id: 1, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', age: 36 },
  { id: 2, firstName: 'Alan', lastName: 'Turing', email: 'alan@example.com', age: 41 },
];

exports.all = () => users;

exports.byId = (id) => users.find((user) => user.id === id);

exports.add = (data) => {
  const user = { id: users.length + 1, ...data };
  users.push(user);
  return user;
};
