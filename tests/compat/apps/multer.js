// multer 2.5.0: single/array/fields/none/any, disk and memory storage, fileFilter, every
// limit, unexpected and unnamed fields, cut and non-multipart bodies. Files go to a fresh
// folder per run; answers write it <dest> and multer's random names <hex>, so both sides
// compare. Errors come back as data (name, code, field, filename, message) with a 500.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const express = require('express');
const multer = require('multer');

const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-multer-js-'));
process.on('exit', () => fs.rmSync(ROOT, { recursive: true, force: true }));
const DISK = path.join(ROOT, 'disk');
const FAILED = path.join(ROOT, 'failed');
const CUSTOM = path.join(ROOT, 'custom');
fs.mkdirSync(CUSTOM);

function redact(value) {
  if (typeof value === 'string') {
    return value.split(ROOT).join('<dest>').replace(/\b[0-9a-f]{32}\b/g, '<hex>');
  }
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    const out = {};
    for (const key of Object.keys(value)) out[key] = redact(value[key]);
    return out;
  }
  return value;
}

function show(req, res) {
  const seen = { body: req.body ?? null, file: req.file ?? null, files: req.files ?? null };
  res.json(redact(JSON.parse(JSON.stringify(seen))));
}

const disk = multer({ dest: DISK });
const failed = multer({ dest: FAILED });
const memory = multer();
const app = express();

app.post('/single', disk.single('avatar'), show);
app.post('/array', disk.array('docs', 2), show);
app.post('/array-failed', failed.array('docs', 2), show);
app.post('/fields', memory.fields([{ name: 'avatar', maxCount: 1 }, { name: 'gallery', maxCount: 2 }]), show);
app.post('/none', memory.none(), show);
app.post('/any', memory.any(), show);
app.post('/memory', memory.single('avatar'), show);
app.post('/preserve', multer({ preservePath: true }).single('f'), show);

function onlyPng(req, file, cb) {
  if (file.originalname === 'bad.txt') return cb(new Error('bad file'));
  cb(null, file.mimetype === 'image/png');
}
app.post('/filter', multer({ fileFilter: onlyPng }).array('pics', 2), show);

const custom = multer({
  storage: multer.diskStorage({
    destination: (req, file, cb) => cb(null, CUSTOM),
    filename: (req, file, cb) => cb(null, file.fieldname + '-' + file.originalname),
  }),
});
app.post('/custom', custom.single('avatar'), show);

const limits = {
  'file-size': { fileSize: 4 },
  files: { files: 1 },
  fields: { fields: 1 },
  'field-size': { fieldSize: 3 },
  parts: { parts: 2 },
  'field-name-size': { fieldNameSize: 3 },
};
for (const [name, limit] of Object.entries(limits)) {
  app.post('/limit/' + name, multer({ dest: FAILED, limits: limit }).any(), show);
  app.post('/limit-ok/' + name, multer({ dest: DISK, limits: limit }).any(), show);
}

app.get('/leftovers', (req, res) => {
  const names = fs.existsSync(FAILED) ? fs.readdirSync(FAILED) : [];
  res.json({ failed: names.length, disk: fs.readdirSync(DISK).length });
});

// no handler of ours: Express's default error page
app.post('/default-error', memory.single('avatar'), show);

app.use((err, req, res, next) => {
  if (req.path === '/default-error') return next(err);
  const error = { name: err.name, code: err.code, field: err.field, filename: err.filename,
    message: err.message, storageErrors: err.storageErrors && err.storageErrors.length };
  res.status(500).json(redact(JSON.parse(JSON.stringify({
    error, body: req.body ?? null, file: req.file ?? null }))));
});

module.exports = app;
