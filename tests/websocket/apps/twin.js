// express-ws 5 + express-session + cookie-parser: the reference for twin.py (tests/websocket
// /test_node_interop.py runs Node's ws client against both and compares what it sees).
const express = require('express');
const session = require('express-session');
const cookieParser = require('cookie-parser');
const expressWs = require('express-ws');

const app = express();
const wsInstance = expressWs(app);
app.use(cookieParser());
app.use(session({ secret: 'twin-secret', resave: false, saveUninitialized: false }));
app.use(express.urlencoded({ extended: false }));

app.post('/login', (req, res) => {
  req.session.user = req.body.user;
  res.send('hello ' + req.body.user);
});

app.ws('/echo', (ws, req) => {
  ws.on('message', (data) => ws.send(data)); // express-ws serves with ws 7: str or Buffer
});

app.ws('/me', (ws, req) => {
  ws.send(JSON.stringify({ user: req.session.user || null, cookies: Object.keys(req.cookies).sort() }));
  ws.on('message', (data) => {
    req.session.note = data.toString();
    req.session.save((err) => ws.send(err ? 'error' : 'saved'));
  });
});

app.get('/whoami', (req, res) => {
  res.json({ user: req.session.user || null, note: req.session.note || null });
});

const rooms = express.Router();
wsInstance.applyTo(rooms);
rooms.param('room', (req, res, next, value) => {
  req.roomName = value.toUpperCase();
  next();
});
rooms.ws('/:room', (ws, req) => {
  ws.send(JSON.stringify({
    room: req.params.room, name: req.roomName, query: req.query, url: req.url,
    original_url: req.originalUrl, base_url: req.baseUrl, method: req.method, protocol: ws.protocol,
  }));
  ws.close(4000, 'room closed');
});
app.use('/rooms', rooms);

app.ws('/gated', (ws, req, next) => {
  if (req.query.token === 'yes') return next();
  ws.close(4003, 'bad token');
}, (ws, req) => {
  ws.send('through the gate');
});

module.exports = app;
