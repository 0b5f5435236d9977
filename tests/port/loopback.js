// Preloaded into the Node side of the corpus tests (`node --require loopback.js app.js`):
// tutorials call app.listen(PORT), which binds every interface; the tests bind loopback only.
'use strict';
const net = require('node:net');

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || typeof args[0] === 'string') {
    const hasHost = typeof args[1] === 'string';
    if (!hasHost) args.splice(1, 0, '127.0.0.1');
  }
  return listen.apply(this, args);
};
