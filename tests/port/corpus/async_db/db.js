// A fake database with a promise-based API, the way tutorials stand in for Mongo or SQL.
const notes = [
  { id: 1, text: 'Buy milk', createdAt: '2024-01-01' },
  { id: 2, text: 'Call mum', createdAt: '2024-01-02' },
];

function delay(value, ms = 5) {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

async function findAll() {
  return delay(notes);
}

async function findById(id) {
  const note = notes.find((n) => n.id === id);
  return delay(note);
}

async function create(text) {
  if (!text) {
    throw new Error('text is required');
  }
  const note = { id: notes.length + 1, text, createdAt: '2024-02-01' };
  notes.push(note);
  return delay(note);
}

module.exports = { findAll, findById, create };
