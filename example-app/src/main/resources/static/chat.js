// Connects to /chat on the same host; every message typed here goes to every open page.
(function () {
  const log = document.getElementById('log');
  const status = document.getElementById('status');
  const form = document.getElementById('form');
  const input = document.getElementById('message');
  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  let socket;

  function append(text) {
    const line = document.createElement('div');
    line.textContent = text;
    log.appendChild(line);
    log.scrollTop = log.scrollHeight;
  }

  function connect() {
    socket = new WebSocket(scheme + location.host + '/chat');
    socket.onopen = () => { status.textContent = 'connected'; };
    socket.onmessage = (event) => append(event.data);
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
