// Cookies and signed cookies with cookie-parser.
const express = require('express');
const cookieParser = require('cookie-parser');

const app = express();
const PORT = process.env.PORT || 3000;

app.use(cookieParser('cookie-secret-123'));

app.get('/', (req, res) => {
  const theme = req.cookies.theme || 'light';
  const visits = parseInt(req.signedCookies.visits || '0', 10) + 1;
  res.cookie('visits', String(visits), { signed: true, httpOnly: true });
  res.send(`Theme: ${theme}, visit number ${visits}`);
});

app.get('/theme/:name', (req, res) => {
  const allowed = ['light', 'dark', 'solarized'];
  if (!allowed.includes(req.params.name)) {
    return res.status(400).send(`Unknown theme "${req.params.name}"`);
  }
  res.cookie('theme', req.params.name, { maxAge: 7 * 24 * 60 * 60 * 1000, sameSite: 'lax' });
  res.redirect('/');
});

app.get('/cookies', (req, res) => {
  res.json({ cookies: req.cookies, signed: req.signedCookies });
});

app.get('/forget', (req, res) => {
  res.clearCookie('theme');
  res.clearCookie('visits');
  res.send('Forgotten');
});

app.listen(PORT, () => console.log(`Cookie demo on port ${PORT}`));
