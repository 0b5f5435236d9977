// res.jsonp (callback sanitising), res.format (406), res.sendFile with ranges and conditional
// requests, res.attachment and res.download (Content-Disposition with non-Latin-1 names).
const fs = require('node:fs');
const path = require('node:path');
const express = require('express');

const ROOT = path.join(__dirname, '..', 'fixtures', 'static');
const PINNED = new Date('2020-01-01T00:00:00Z');
for (const name of ['nums.txt', 'page.html', '.hidden', 'empty.txt']) {
  fs.utimesSync(path.join(ROOT, name), PINNED, PINNED);
}

const app = express();

app.get('/jsonp', (req, res) => res.jsonp({ a: 1, s: 'line\u2028sep' }));
app.get('/jsonp-string', (req, res) => res.jsonp('str'));
app.get('/jsonp-null', (req, res) => res.jsonp(null));
app.get('/jsonp-status', (req, res) => res.status(201).jsonp([1, 2]));

const formats = {
  'text/plain': (req, res) => res.send('text'),
  'text/html': (req, res) => res.send('<p>html</p>'),
  'application/json': (req, res) => res.json({ format: 'json' }),
};
app.get('/format', (req, res) => res.format(formats));
app.get('/format-default', (req, res) => res.format({
  ...formats,
  default: (req, res) => res.status(200).send('default'),
}));
app.get('/format-ext', (req, res) => res.format({
  json: (req, res) => res.json({ ext: 'json' }),
  html: (req, res) => res.send('<b>ext</b>'),
}));

app.get('/file', (req, res) => res.sendFile('nums.txt', { root: ROOT }));
app.get('/file-html', (req, res) => res.sendFile(path.join(ROOT, 'page.html')));
app.get('/file-opts', (req, res) => res.sendFile('nums.txt', {
  root: ROOT, maxAge: 3600000, immutable: true, acceptRanges: false, lastModified: false,
}));
app.get('/file-missing', (req, res) => res.sendFile('missing.txt', { root: ROOT }));
app.get('/file-dotfile', (req, res) => res.sendFile('.hidden', { root: ROOT }));
app.get('/file-dotfile-allow', (req, res) => res.sendFile('.hidden', { root: ROOT, dotfiles: 'allow' }));
app.get('/file-traversal', (req, res) => res.sendFile('../static/nums.txt', { root: ROOT }));
app.get('/file-empty', (req, res) => res.sendFile('empty.txt', { root: ROOT }));

app.get('/attachment/:name', (req, res) => res.attachment(req.params.name).send('x'));
app.get('/attachment', (req, res) => res.attachment().send('x'));
app.get('/download', (req, res) => res.download(path.join(ROOT, 'nums.txt')));
app.get('/download/:name', (req, res) => res.download(path.join(ROOT, 'nums.txt'), req.params.name));
app.get('/download-missing', (req, res) => res.download(path.join(ROOT, 'missing.txt'), 'x.txt'));

module.exports = app;
