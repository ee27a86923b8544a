// Drives Debian's chromium (headless) with playwright-core against the example app's chat page:
// two tabs open the page, each sends one message through /chat, and both must show both messages.
//   node chat_browser.js <base-url> <artefact-dir>
// Prints one JSON line: what each tab shows and the WebSocket handshake the browser saw.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

async function main(baseUrl, outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const handshakes = [];
    const tabs = [];
    for (const name of ['A', 'B']) {
      const page = await context.newPage();
      // The DevTools protocol reports the handshake response headers of every WebSocket.
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      cdp.on('Network.webSocketHandshakeResponseReceived', (e) => {
        const headers = {};
        for (const [k, v] of Object.entries(e.response.headers)) headers[k.toLowerCase()] = v;
        handshakes.push({ tab: name, status: e.response.status, headers });
      });
      page.on('console', (m) => console.error(`[tab ${name}] ${m.text()}`));
      await page.goto(baseUrl + '/');
      await page.waitForFunction(() => document.getElementById('status').textContent === 'connected', null, { timeout: 15000 });
      tabs.push({ name, page });
    }
    const lines = (page) => page.$$eval('#log div', (divs) => divs.map((d) => d.textContent));
    const waitForLines = (page, n) => page.waitForFunction((k) => document.querySelectorAll('#log div').length >= k, n, { timeout: 15000 });

    await tabs[0].page.fill('#message', 'hello from tab A');
    await tabs[0].page.click('button[type=submit]');
    for (const t of tabs) await waitForLines(t.page, 1);
    await tabs[1].page.fill('#message', 'héllo from tab B ✓');
    await tabs[1].page.press('#message', 'Enter');
    for (const t of tabs) await waitForLines(t.page, 2);

    const result = { handshakes, tabs: {} };
    for (const t of tabs) {
      result.tabs[t.name] = {
        status: await t.page.textContent('#status'),
        log: await lines(t.page),
        input: await t.page.inputValue('#message'),
      };
      await t.page.screenshot({ path: path.join(outDir, `chat-tab-${t.name}.png`), fullPage: true });
    }
    console.log(JSON.stringify(result));
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main(process.argv[2], process.argv[3]).catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
