// Token authentication with a role check: middleware factories and headers.
const express = require('express');

const app = express();
const PORT = process.env.PORT || 3000;

const tokens = {
  'token-ann': { name: 'ann', roles: ['admin', 'editor'] },
  'token-bob': { name: 'bob', roles: ['reader'] },
};

function authenticate(req, res, next) {
  const header = req.get('Authorization') || '';
  const [scheme, token] = header.split(' ');
  if (scheme !== 'Bearer' || !token) {
    return res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'missing token' });
  }
  const user = tokens[token];
  if (!user) {
    return res.status(401).json({ error: 'invalid token' });
  }
  req.user = user;
  next();
}

function requireRole(role) {
  return (req, res, next) => {
    if (!req.user.roles.includes(role)) {
      return res.status(403).json({ error: `requires role ${role}`, roles: req.user.roles });
    }
    next();
  };
}

app.get('/me', authenticate, (req, res) => {
  res.json({ name: req.user.name, admin: req.user.roles.indexOf('admin') !== -1 });
});

app.delete('/posts/:id', authenticate, requireRole('admin'), (req, res) => {
  res.json({ deleted: Number(req.params.id), by: req.user.name });
});

app.get('/public', (req, res) => {
  res.set('Cache-Control', 'public, max-age=60').send('Anyone can read this');
});

app.listen(PORT, () => console.log(`Token API on ${PORT}`));
