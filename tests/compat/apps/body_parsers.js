// Body-parser errors and results: json/urlencoded/text/raw with limits, strict mode, charsets,
// encodings, parameter limits and extended (qs) parsing.
const express = require('express');

const app = express();

// The body as parsed, or '<undefined>' when no parser read it; a Buffer as hex.
function echo(req, res) {
  const body = req.body;
  if (Buffer.isBuffer(body)) return res.json({ buf: body.toString('hex') });
  res.json({ body: body === undefined ? '<undefined>' : body });
}

app.post('/json', express.json({ limit: '1kb' }), echo);
app.post('/json-lax', express.json({ strict: false }), echo);
app.post('/json-vnd', express.json({ type: ['json', '+json'] }), echo);
app.post('/urlencoded', express.urlencoded({ parameterLimit: 10 }), echo);
app.post('/urlencoded-ext', express.urlencoded({ extended: true, parameterLimit: 10 }), echo);
app.post('/urlencoded-latin1', express.urlencoded({ defaultCharset: 'iso-8859-1' }), echo);
app.post('/text', express.text({ limit: '1kb' }), echo);
app.post('/text-any', express.text({ type: '*/*' }), echo);
app.post('/raw', express.raw({ limit: '1kb' }), echo);
// No error handler of ours: the default one answers (finalhandler).
app.post('/plain/json', express.json({ limit: '1kb' }), echo);
app.post('/plain/urlencoded', express.urlencoded({ parameterLimit: 10 }), echo);

// Every property body-parser puts on its errors that a client could see.
app.use((err, req, res, next) => {
  if (req.path.startsWith('/plain/')) return next(err);
  res.status(err.status || 500).json({
    status: err.status,
    type: err.type,
    message: err.message,
    expose: err.expose,
    limit: err.limit,
    length: err.length,
    expected: err.expected,
    charset: err.charset,
    encoding: err.encoding,
    body: err.body,
  });
});

module.exports = app;
