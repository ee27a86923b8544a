// Connects to the chat endpoint beside this page; every message typed here goes to every open page.
// Recovery protocol: the page connects with ?since=<id of the last message it showed> (empty the
// first time); each message arrives as {"id":…,"text":…}, and after a reconnect the server first
// sends what was missed, then {"recovered":true|false,"missed":n}.
// Reconnecting: exponential back-off with full jitter (retry n waits a random time between 0 and
// min(max, initial × multiplier^n)), so that pages dropped together do not all return at once; the
// count resets once a connection has stayed open stableAfter ms. window.chatBackoff, when set before
// this script runs, replaces these settings; window.chatReconnects lists every wait it chose.
(function () {
  const log = document.getElementById('log');
  const status = document.getElementById('status');
  const form = document.getElementById('form');
  const input = document.getElementById('message');
  const backoff = Object.assign({ initial: 1000, max: 30000, multiplier: 2, stableAfter: 10000 }, window.chatBackoff || {});
  const reconnects = window.chatReconnects = [];
  let socket;
  let lastId = '';
  let attempt = 0;
  let openedAt = 0;

  // Relative to this page, so the app works under a servlet context path (/app/ → /app/chat).
  function chatUrl() {
    const url = new URL('chat', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = '?since=' + encodeURIComponent(lastId);
    url.hash = '';
    return url.href;
  }

  function append(text) {
    const line = document.createElement('div');
    line.textContent = text;
    log.appendChild(line);
    log.scrollTop = log.scrollHeight;
  }

  function connect() {
    socket = new WebSocket(chatUrl());
    openedAt = 0;
    socket.onopen = () => {
      openedAt = Date.now();
      status.textContent = 'connected';
    };
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
      if (openedAt && Date.now() - openedAt >= backoff.stableAfter) {
        attempt = 0;
      }
      const ceiling = Math.min(backoff.max, backoff.initial * Math.pow(backoff.multiplier, attempt));
      const delay = Math.round(Math.random() * ceiling);
      reconnects.push({ attempt: attempt, ceiling: ceiling, delay: delay, code: event.code });
      attempt++;
      status.textContent = 'disconnected (' + event.code + (event.reason ? ' ' + event.reason : '') + '), retrying in '
        + (delay / 1000).toFixed(1) + ' s';
      setTimeout(connect, delay);
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
