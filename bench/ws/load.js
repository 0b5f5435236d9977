// The load generator of bench/ws_echo.py (Node + ws, so the client is not the bottleneck).
//   node load.js echo URL CONNECTIONS SECONDS   -> {"round_trips": n, "seconds": s}
//   node load.js idle URL CONNECTIONS SECONDS   -> opens the sockets, holds them, prints "OPEN"
'use strict';
const WebSocket = require('ws');

const [mode, url, connections, seconds] = process.argv.slice(2);
const count = Number(connections);
const duration = Number(seconds) * 1000;

function open() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}

async function echo() {
  const sockets = await Promise.all(Array.from({ length: count }, open));
  let trips = 0;
  const started = Date.now();
  const payload = 'x'.repeat(32);
  await Promise.all(sockets.map((ws) => new Promise((done) => {
    ws.on('message', () => {
      trips += 1;
      if (Date.now() - started < duration) ws.send(payload); else done();
    });
    ws.send(payload);
  })));
  const elapsed = (Date.now() - started) / 1000;
  console.log(JSON.stringify({ round_trips: trips, seconds: elapsed }));
  sockets.forEach((ws) => ws.terminate());
}

async function idle() {
  const sockets = [];
  for (let i = 0; i < count; i += 50) {  // in batches: a listen backlog is finite
    const batch = await Promise.all(Array.from({ length: Math.min(50, count - i) }, open));
    sockets.push(...batch);
  }
  console.log('OPEN');
  setTimeout(() => { sockets.forEach((ws) => ws.terminate()); process.exit(0); }, duration);
}

(mode === 'echo' ? echo() : idle()).catch((err) => { console.error(err); process.exit(1); });
