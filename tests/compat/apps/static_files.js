// express.static (serve-static): index, directory redirects, dotfiles, ranges, conditional
// requests, HEAD, fallthrough, options. The fixtures' mtimes are pinned first, so that
// Last-Modified and the ETags are the same on both sides.
const fs = require('node:fs');
const path = require('node:path');
const express = require('express');

const ROOT = path.join(__dirname, '..', 'fixtures', 'static');
const PINNED = new Date('2020-01-01T00:00:00Z');

function pin(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) pin(full);
    fs.utimesSync(full, PINNED, PINNED);
  }
}
pin(ROOT);

const app = express();

app.use('/s', express.static(ROOT));
app.use('/deny', express.static(ROOT, { dotfiles: 'deny' }));
app.use('/allow', express.static(ROOT, { dotfiles: 'allow' }));
app.use('/nofall', express.static(ROOT, { fallthrough: false }));
app.use('/nofall-page', express.static(ROOT, { fallthrough: false }));
app.use('/ext', express.static(ROOT, { extensions: ['html', 'txt'], maxAge: '1d', immutable: true }));
app.use('/noredirect', express.static(ROOT, { redirect: false, index: false }));
app.use('/bare', express.static(ROOT, {
  etag: false, lastModified: false, acceptRanges: false, cacheControl: false,
}));
app.use('/index-list', express.static(ROOT, { index: ['missing.html', 'guide.txt'] }));
app.use('/hdr', express.static(ROOT, {
  setHeaders: (res, filePath) => res.setHeader('X-Static', path.basename(filePath)),
}));
app.use('/file-root', express.static(path.join(ROOT, 'nums.txt')));
app.use(express.static(ROOT, { index: false }));

// send's errors as data, the fixture folder written <root> (its place differs per checkout).
app.use('/nofall', (err, req, res, next) => {
  res.status(err.status || 500).json({
    status: err.status, code: err.code, expose: err.expose,
    message: err.message.split(ROOT).join('<root>'),
  });
});

module.exports = app;
