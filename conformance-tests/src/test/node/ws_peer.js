// The Node `ws` peer for the interop tests.
//   node ws_peer.js server [deflate]        echo server on 127.0.0.1, prints "listening <port>"
//   node ws_peer.js client <url> [deflate]  sends every message of the matrix, checks each echo,
//                                           prints "extensions <negotiated>", "ok <type> <bytes>"
//                                           per message and "done <n>"
// With "deflate" the peer offers (client) or accepts (server) permessage-deflate, for every message
// size (threshold 0; ws compresses only messages of 1 KiB and more by default).
'use strict';
const WebSocket = require('ws');

const SIZES = [0, 1, 125, 126, 127, 128, 65535, 65536, 1024 * 1024];
const UTF8_SAMPLE = 'Hello-µ@ßöäüàá-UTF-8!! κόσμε \u{1D11E}';

function payload(kind, size) {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) {
    b[i] = kind === 'text' ? 97 + (i % 26) : (i * 31 + 7) & 0xff;
  }
  return b;
}

function matrix() {
  const list = [];
  for (const kind of ['text', 'binary']) {
    for (const size of SIZES) list.push({ kind, data: payload(kind, size) });
  }
  list.push({ kind: 'text', data: Buffer.from(UTF8_SAMPLE, 'utf8') });
  return list;
}

const DEFLATE = process.argv[process.argv.length - 1] === 'deflate';
const PER_MESSAGE_DEFLATE = DEFLATE ? { threshold: 0 } : false;

function server() {
  const wss = new WebSocket.Server({ host: '127.0.0.1', port: 0, maxPayload: 16 * 1024 * 1024, perMessageDeflate: PER_MESSAGE_DEFLATE });
  wss.on('listening', () => console.log('listening ' + wss.address().port));
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
}

function client(url) {
  const list = matrix();
  const ws = new WebSocket(url, { maxPayload: 16 * 1024 * 1024, perMessageDeflate: PER_MESSAGE_DEFLATE });
  let i = 0;
  const fail = (why) => { console.log('FAIL ' + why); process.exit(1); };
  const sendNext = () => {
    const m = list[i];
    ws.send(m.kind === 'text' ? m.data.toString('utf8') : m.data, { binary: m.kind === 'binary' });
  };
  ws.on('open', () => {
    console.log('extensions ' + ws.extensions);
    sendNext();
  });
  ws.on('message', (data, isBinary) => {
    const m = list[i];
    if (isBinary !== (m.kind === 'binary')) fail(`message ${i}: type ${isBinary ? 'binary' : 'text'}, sent ${m.kind}`);
    if (!Buffer.from(data).equals(m.data)) fail(`message ${i}: ${data.length} bytes differ from the ${m.data.length} sent`);
    console.log(`ok ${m.kind} ${m.data.length}`);
    if (++i < list.length) sendNext(); else ws.close(1000, 'done');
  });
  ws.on('close', (code) => {
    if (i < list.length) fail('closed early with ' + code);
    if (code !== 1000) fail('close code ' + code);
    console.log('done ' + i);
    process.exit(0);
  });
  ws.on('error', (e) => fail('error ' + e.message));
}

if (process.argv[2] === 'server') server();
else if (process.argv[2] === 'client') client(process.argv[3]);
else { console.error('usage: ws_peer.js server | client <url>'); process.exit(2); }
