// Starts one reference Express app for the differential tests.
// Usage: PORT=1234 node serve.js ../apps/NAME.js
// The app module exports its Express app; listening lives here so that an app file reads like
// its Python twin (which `expresspy run` serves). Binds loopback only and prints one ready line
// that the harness waits for.
'use strict';

const path = require('node:path');

const appFile = process.argv[2];
const port = Number(process.env.PORT);
if (!appFile || !Number.isInteger(port) || port <= 0) {
  console.error('usage: PORT=<port> node serve.js <app.js>');
  process.exit(2);
}

const app = require(path.resolve(appFile));
const server = app.listen(port, '127.0.0.1', (err) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  console.log(`READY ${port}`);
});

// The harness stops us with SIGTERM; close quietly so its log shows no noise.
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
