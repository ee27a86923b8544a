// Connects to /chat on the same host; every message typed here goes to every open page.
// Recovery protocol: the page connects with ?since=<id of the last message it showed> (empty the
// first time); each message arrives as {"id":…,"text":…}, and after a reconnect the server first
// sends what was missed, then {"recovered":true|false,"missed":n}.
(function () {
  const log = document.getElementById('log');
  const status = document.getElementById('status');
  const form = document.getElementById('form');
  const input = document.getElementById('message');
  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  let socket;
  let lastId = '';

  function append(text) {
    const line = document.createElement('div');
    line.textContent = text;
    log.appendChild(line);
    log.scrollTop = log.scrollHeight;
  }

  function connect() {
    socket = new WebSocket(scheme + location.host + '/chat?since=' + encodeURIComponent(lastId));
    socket.onopen = () => { status.textContent = 'connected'; };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if ('recovered' in message) {
        append(message.recovered
          ? '(reconnected: ' + message.missed + ' missed messages above)'
          : '(reconnected: some messages may be missing)');
        return;
      }
      if (message.id) {
        lastId = message.id;
      }
      append('text' in message ? message.text : '[binary, ' + atob(message.binary).length + ' bytes]');
    };
    socket.onclose = (event) => {
      status.textContent = 'disconnected (' + event.code + (event.reason ? ' ' + event.reason : '') + '), retrying in 2 s';
      setTimeout(connect, 2000);
    };
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value && socket.readyState === WebSocket.OPEN) {
      socket.send(input.value);
      input.value = '';
    }
  });

  connect();
})();
