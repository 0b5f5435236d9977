// Node's EventEmitter habits that tutorials use: req.on('data'/'end') to read a body,
// res.on('finish'/'close') and res.once with listeners of no argument.
const express = require('express');

const app = express();
const seen = { finish: 0, finishOnce: 0, close: 0, reqClose: 0 };

app.post('/echo', (req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    res.json({ length: body.length, body });
  });
});

app.get('/finish', (req, res) => {
  res.on('finish', () => { seen.finish += 1; });
  res.once('finish', () => { seen.finishOnce += 1; });
  res.on('close', () => { seen.close += 1; });
  req.on('close', () => { seen.reqClose += 1; });
  res.send('ok');
});

app.get('/seen', (req, res) => res.json(seen));

module.exports = app;
