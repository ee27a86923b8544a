// Client on Node's ws with permessage-deflate: sends argv[3] messages to argv[2], checks each
// echo, prints {"extensions": <negotiated>, "ok": true|false}. argv[4]: JSON of extra options.
const WebSocket = require('ws');
const count = Number(process.argv[3]);
const options = Object.assign({ threshold: 0 }, JSON.parse(process.argv[4] || '{}'));
const ws = new WebSocket(process.argv[2], { perMessageDeflate: options, maxPayload: 0 });
const message = (i) => {
  const text = `hello ${i}, `.repeat((i * 37) % 700);
  return i % 2 ? Buffer.from(text) : text;
};
let i = 0;
ws.on('open', () => ws.send(message(0)));
ws.on('message', (data, isBinary) => {
  const expected = message(i);
  const same = isBinary === (i % 2 === 1) && Buffer.compare(Buffer.from(data), Buffer.from(expected)) === 0;
  if (!same) {
    console.log(JSON.stringify({ extensions: ws.extensions, ok: false, at: i }));
    ws.close();
    return;
  }
  i++;
  if (i === count) {
    console.log(JSON.stringify({ extensions: ws.extensions, ok: true }));
    ws.close(1000);
  } else {
    ws.send(message(i));
  }
});
ws.on('error', (e) => {
  console.log(JSON.stringify({ ok: false, error: String(e) }));
  process.exit(1);
});
