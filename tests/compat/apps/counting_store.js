// A MemoryStore whose set, touch and destroy calls are counted, as counting_store.py does;
// shared by the session_* compat apps (not an app itself).
const session = require('express-session');

function countingStore() {
  const store = new session.MemoryStore();
  const calls = { set: 0, touch: 0, destroy: 0 };
  for (const name of Object.keys(calls)) {
    const original = store[name].bind(store);
    store[name] = (...args) => { calls[name] += 1; return original(...args); };
  }
  return { store, calls };
}

module.exports = { countingStore };
