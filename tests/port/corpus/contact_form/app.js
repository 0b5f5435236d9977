// Older tutorials parse bodies with the body-parser package.
var express = require('express');
var bodyParser = require('body-parser');

var app = express();
var port = process.env.PORT || 3000;

app.use(bodyParser.json());
app.use(bodyParser.urlencoded({ extended: false }));

var messages = [];

function validate(body) {
  var errors = {};
  if (!body.name || body.name.length < 2) {
    errors.name = 'Name must be at least 2 characters';
  }
  if (!/^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i.test(body.email || '')) {
    errors.email = 'Email is invalid';
  }
  return errors;
}

app.post('/contact', function (req, res) {
  var errors = validate(req.body);
  if (Object.keys(errors).length > 0) {
    return res.status(422).json({ ok: false, errors: errors });
  }
  var message = {
    id: messages.length + 1,
    name: req.body.name,
    email: req.body.email.toLowerCase(),
    message: req.body.message || '(no message)',
  };
  messages.push(message);
  res.status(201).json({ ok: true, message: message });
});

app.get('/messages', function (req, res) {
  var page = parseInt(req.query.page) || 1;
  var size = 2;
  var start = (page - 1) * size;
  res.json({
    page: page,
    pages: Math.ceil(messages.length / size),
    items: messages.slice(start, start + size),
  });
});

app.listen(port, function () {
  console.log('Contact form listening on port ' + port);
});
