// Route parameters (path-to-regexp 8 syntax), req.query, automatic HEAD and OPTIONS.
const express = require('express');

const app = express();
const showParams = (req, res) => res.json(req.params);

app.get('/users/:id', showParams);
app.get('/users/:uid/books/:bid', showParams);
app.get('/files/*rest', showParams);
app.get('/opt{/:x}', showParams);
app.get('/f/:file{.:ext}', showParams);
app.get('/pair/:a-:b', showParams);
app.get('/q', (req, res) => res.json(req.query));

app.route('/items')
  .get((req, res) => res.send('list'))
  .post((req, res) => res.status(201).send('made'));
app.all('/any', (req, res) => res.send(`any ${req.method}`));
app.options('/custom-options', (req, res) => {
  res.set('Allow', 'GET, OPTIONS');
  res.sendStatus(204);
});
app.get('/custom-options', (req, res) => res.send('get'));
app.head('/explicit-head', (req, res) => {
  res.set('Cache-Control', 'from-head-handler');
  res.end();
});
app.get('/explicit-head', (req, res) => res.send('from get'));

// Shows the message of a malformed-parameter error (400) instead of the stack page.
app.use((err, req, res, next) => {
  res.status(err.status || 500).send(err.message);
});

module.exports = app;
