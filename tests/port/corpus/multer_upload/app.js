// File uploads with multer: one avatar, several photos, and multer's errors.
const express = require('express');
const multer = require('multer');
const path = require('path');

const app = express();
const PORT = process.env.PORT || 3000;

const upload = multer({
  dest: path.join(__dirname, 'uploads'),
  limits: { fileSize: 1024 },
});

app.post('/avatar', upload.single('avatar'), (req, res) => {
  if (!req.file) {
    return res.status(400).json({ error: 'No file uploaded' });
  }
  res.json({ name: req.file.originalname, size: req.file.size, field: req.body.caption });
});

app.post('/photos', upload.array('photos', 3), (req, res) => {
  const names = req.files.map((f) => f.originalname);
  res.json({ count: req.files.length, names });
});

app.use((err, req, res, next) => {
  if (err instanceof multer.MulterError) {
    return res.status(400).json({ error: err.code, field: err.field });
  }
  next(err);
});

app.listen(PORT, () => console.log(`Uploads on ${PORT}`));
