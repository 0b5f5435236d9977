// trust proxy in its forms (sub-apps each with their own setting), the extended query
// parser, app.param (once per value, altering req.params) and next('route').
const express = require('express');

const app = express();

const client = (req, res) => res.json({
  ip: req.ip, ips: req.ips, protocol: req.protocol, secure: req.secure,
  host: req.host, hostname: req.hostname, subdomains: req.subdomains,
});

const trusting = { none: false, all: true, hop1: 1, loopback: 'loopback',
  cidr: '10.0.0.0/8, 127.0.0.1/32', list: ['uniquelocal', 'loopback'] };
for (const [name, value] of Object.entries(trusting)) {
  const sub = express();
  sub.set('trust proxy', value);
  sub.get('/', client);
  app.use('/trust-' + name, sub);
}
const inherits = express();
inherits.get('/', client);
const parent = express();
parent.set('trust proxy', 'loopback');
parent.use('/child', inherits);
app.use('/inherit', parent);

const extended = express();
extended.set('query parser', 'extended');
extended.get('/', (req, res) => res.json(req.query));
app.use('/qx', extended);
app.get('/qs', (req, res) => res.json(req.query));

let calls = 0;
app.param('user', (req, res, next, value) => {
  calls += 1;
  if (value === 'nobody') return next('route');
  if (value === 'boom') return next(Object.assign(new Error('no such user'), { status: 404 }));
  req.params.user = value.toUpperCase();
  next();
});
app.get('/user/:user', (req, res, next) => { res.set('X-First', req.params.user); next(); });
app.get('/user/:user', (req, res) => res.json({ user: req.params.user, calls }));
app.get('/user/nobody', (req, res) => res.send('no user route'));
app.get('/calls/reset', (req, res) => { calls = 0; res.send('reset'); });

module.exports = app;
