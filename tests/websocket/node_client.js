// Node's ws client against a server (argv[2] = "http://127.0.0.1:PORT"): runs the scenarios
// and prints what it observed as one JSON object (tests/websocket/test_node_interop.py).
'use strict';
const WebSocket = require('ws');

const base = process.argv[2];
const wsBase = base.replace(/^http/, 'ws');

function open(path, options = {}, protocols = undefined) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsBase + path, protocols, options);
    const inbox = [];
    const waiters = [];
    ws.on('message', (data, isBinary) => {
      const item = { data, isBinary };
      const waiter = waiters.shift();
      if (waiter) waiter(item); else inbox.push(item);
    });
    ws.closed = new Promise((done) => ws.on('close', (code, reason) => done([code, reason.toString()])));
    ws.next = () => new Promise((done) => {
      if (inbox.length) done(inbox.shift()); else waiters.push(done);
    });
    ws.on('open', () => resolve(ws));
    ws.on('unexpected-response', (req, res) => resolve({ refused: res.statusCode }));
    ws.on('error', reject);
  });
}

async function main() {
  const seen = {};
  // Text, binary, a big message, a fragmented one, and a ping.
  const echo = await open('/echo');
  echo.send('hi');
  let reply = await echo.next();
  seen.text = [reply.data.toString(), reply.isBinary];
  echo.send(Buffer.from([0, 255, 1]));
  reply = await echo.next();
  seen.binary = [reply.data.toString('hex'), reply.isBinary];
  const big = 'x'.repeat(1 << 20);
  echo.send(big);
  reply = await echo.next();
  seen.big = reply.data.length;
  echo.send('frag', { fin: false });
  echo.send('mented', { fin: true });
  reply = await echo.next();
  seen.fragmented = reply.data.toString();
  seen.pong = await new Promise((done) => {
    echo.once('pong', (data) => done(data.toString()));
    echo.ping('are you there');
  });
  echo.close(4321, 'client done');
  seen.echo_close = await echo.closed;

  // Router params, the query, the rewritten URL, the subprotocol, a server close.
  const room = await open('/rooms/lobby?x=1', {}, ['chat', 'v2']);
  seen.room = JSON.parse((await room.next()).data.toString());
  seen.room_protocol = room.protocol;
  seen.room_close = await room.closed;

  // express-ws middleware on the ws route.
  const through = await open('/gated?token=yes');
  seen.gate_open = (await through.next()).data.toString();
  through.close();
  const stopped = await open('/gated?token=no');
  seen.gate_closed = await stopped.closed;

  // The session: logged in over HTTP, then read and saved over the socket.
  const login = await fetch(base + '/login', {
    method: 'POST', body: 'user=ann',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const me = await open('/me', { headers: { cookie } });
  seen.me = JSON.parse((await me.next()).data.toString());
  me.send('from node');
  seen.saved = (await me.next()).data.toString();
  const who = await fetch(base + '/whoami', { headers: { cookie } });
  seen.whoami = await who.json();
  me.close();
  await me.closed;

  console.log(JSON.stringify(seen));
}

main().catch((err) => { console.error(err); process.exit(1); });
