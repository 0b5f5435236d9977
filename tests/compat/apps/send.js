// res.send type inference, res.json, res.status, res.sendStatus, res.set, res.end.
const express = require('express');

const app = express();

app.get('/str', (req, res) => res.send('hello'));
app.get('/str-unicode', (req, res) => res.send('h\u00e9llo \u2713'));
app.get('/empty-str', (req, res) => res.send(''));
app.get('/buffer', (req, res) => res.send(Buffer.from('bytes here')));
app.get('/empty-buffer', (req, res) => res.send(Buffer.alloc(0)));
app.get('/object', (req, res) => res.send({ a: 1, b: [true, null], c: 'x' }));
app.get('/array', (req, res) => res.send([1, 'two', { three: 3 }]));
app.get('/number', (req, res) => res.send(42));
app.get('/float', (req, res) => res.send(1.5));
app.get('/bool', (req, res) => res.send(true));
app.get('/null', (req, res) => res.send(null));
app.get('/undefined', (req, res) => res.send());
// Sets Content-Type first, then sends the body.
const sendTyped = (type, body) => (req, res) => res.set('Content-Type', type).send(body);
app.get('/preset-text', sendTyped('text/plain', 'plain'));
app.get('/preset-json-str', sendTyped('application/json', '{"raw":true}'));
app.get('/preset-buffer', sendTyped('text/plain', Buffer.from('plain bytes')));
app.get('/preset-charset', sendTyped('text/html; charset=iso-8859-1', 'x'));
app.get('/preset-custom-type', sendTyped('application/vnd.custom+json', { custom: true }));
app.get('/json-object', (req, res) => res.json({ name: 'ann', tags: ['a', 'b'], n: 0 }));
app.get('/json-string', (req, res) => res.json('a string'));
app.get('/json-null', (req, res) => res.json(null));
app.get('/json-unicode', (req, res) => res.json({ s: '\u00e9<>&\u2028' }));
app.get('/json-status', (req, res) => res.status(400).json({ error: 'bad' }));
app.get('/status-201', (req, res) => res.status(201).send('created'));
app.get('/status-204-send', (req, res) => res.status(204).send('ignored'));
app.get('/status-205-send', (req, res) => res.status(205).send('ignored'));
app.get('/send-status/:code', (req, res) => res.sendStatus(Number(req.params.code)));
app.get('/end', (req, res) => res.end());
app.get('/end-with-data', (req, res) => res.end('raw'));
app.get('/set-headers', (req, res) => {
  res.set('Cache-Control', 'no-store');
  res.set('Vary', 'Accept');
  res.send('x');
});
app.get('/set-object', (req, res) => {
  res.set({ 'Cache-Control': 'public, max-age=60', 'X-Extra': '1' });
  res.send('x');
});
app.get('/json-special', (req, res) => res.json({ nan: NaN, inf: Infinity, big: 1e21, neg: -1.5 }));
app.get('/status-304-send', (req, res) => res.status(304).send('ignored'));
app.get('/big', (req, res) => res.send('x'.repeat(100000)));
app.post('/post', (req, res) => res.status(201).json({ created: true }));

module.exports = app;
