import { Router } from 'express';
import { randomUUID } from 'node:crypto';

const router = Router();
const notes = {};

export const MAX_LENGTH = 40;

router.get('/', (req, res) => {
  const texts = Object.values(notes).map((note) => note.text);
  res.json({ count: Object.keys(notes).length, texts });
});

router.post('/', (req, res) => {
  const text = String(req.body.text ?? '').trim();
  if (text.length === 0 || text.length > MAX_LENGTH) {
    return res.status(400).json({ error: `text must have 1 to ${MAX_LENGTH} characters` });
  }
  const id = randomUUID();
  notes[id] = { id, text };
  res.status(201).json({ idLength: id.length, text });
});

export default router;
