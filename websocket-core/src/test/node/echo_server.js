// Echo server on Node's ws with permessage-deflate (threshold 0: every message compressed).
// argv[2]: JSON of extra perMessageDeflate options. Prints its port, echoes until killed.
const { WebSocketServer } = require('ws');
const options = Object.assign({ threshold: 0 }, JSON.parse(process.argv[2] || '{}'));
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: options, maxPayload: 0 });
wss.on('listening', () => console.log(wss.address().port));
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});
