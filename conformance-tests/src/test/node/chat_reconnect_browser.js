// Drives Debian's chromium (headless) with playwright-core against the example app's chat page
// served under a servlet context path, through a TCP relay this script runs and can cut:
//   node chat_reconnect_browser.js <page-url, e.g. http://127.0.0.1:8080/app/> <artefact-dir>
// 1. The page connects and chats. 2. The relay drops every connection and refuses new ones (it reads
//    each request, then closes): the page retries on its own schedule, which it lists in
//    window.chatReconnects. 3. The relay lets connections through again: the page reconnects with
//    ?since=<last id>. 4. After the connection has been stable, one more
//    drop: the schedule starts over.
// Prints one JSON line: the page's schedule, the upgrade requests the relay saw, what the page shows.
'use strict';
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

// Short delays keep the run quick; the test checks the schedule's shape, not its speed.
const BACKOFF = { initial: 200, max: 3200, multiplier: 2, stableAfter: 1000 };
const FAILURES = 4;

function startRelay(target) {
  const relay = { up: true, live: new Set(), upgrades: [] };
  const track = (s) => { relay.live.add(s); s.on('close', () => relay.live.delete(s)); s.on('error', () => {}); };
  relay.server = net.createServer((client) => {
    track(client);
    client.once('data', (chunk) => {
      const head = chunk.toString('latin1');
      if (/^upgrade:\s*websocket/im.test(head)) {
        relay.upgrades.push({ line: head.split('\r\n')[0], forwarded: relay.up });
      }
      if (!relay.up) client.destroy();
    });
    if (!relay.up) return;
    const upstream = net.connect(Number(target.port), target.hostname);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  relay.drop = () => { for (const s of relay.live) s.destroy(); };
  return new Promise((resolve) => relay.server.listen(0, '127.0.0.1', () => resolve(relay)));
}

async function main(pageUrl, outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  const target = new URL(pageUrl);
  const relay = await startRelay(target);
  const viaRelay = new URL(pageUrl);
  viaRelay.port = String(relay.server.address().port);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    page.on('console', (m) => console.error(`[page] ${m.text()}`));
    await page.addInitScript((b) => { window.chatBackoff = b; }, BACKOFF);
    const connected = () => page.waitForFunction(() => document.getElementById('status').textContent === 'connected', null, { timeout: 30000 });
    const reconnects = () => page.evaluate(() => window.chatReconnects.length);
    const lines = () => page.$$eval('#log div', (divs) => divs.map((d) => d.textContent));

    // 1. Under the context path: connect and chat.
    await page.goto(viaRelay.href);
    await connected();
    await page.fill('#message', 'hello under a context path');
    await page.press('#message', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('#log div').length >= 1, null, { timeout: 15000 });
    const chatted = await lines();

    // 2. The server side goes away: the page retries on its back-off schedule.
    relay.up = false;
    relay.drop();
    await page.waitForFunction((n) => window.chatReconnects.length >= n, FAILURES + 1, { timeout: 60000 });
    const refusedWhileDown = relay.upgrades.filter((u) => !u.forwarded).length;

    // 3. Back: the page reconnects, with its position (?since=) in the URL.
    relay.up = true;
    await connected();
    const resumedWith = relay.upgrades[relay.upgrades.length - 1];

    // 4. Stable for longer than stableAfter, then dropped once: the schedule starts over.
    await page.waitForTimeout(BACKOFF.stableAfter + 500);
    const before = await reconnects();
    relay.drop();
    await page.waitForFunction((n) => window.chatReconnects.length > n, before, { timeout: 15000 });
    await connected();

    await page.screenshot({ path: path.join(outDir, 'chat-reconnect.png'), fullPage: true });
    console.log(JSON.stringify({
      backoff: BACKOFF,
      chatted,
      refusedWhileDown,
      resumedWith,
      afterStable: (await page.evaluate(() => window.chatReconnects))[before],
      reconnects: await page.evaluate(() => window.chatReconnects),
      upgrades: relay.upgrades,
      log: await lines(),
      status: await page.textContent('#status'),
    }));
  } finally {
    await context.close();
    relay.server.close();
    relay.drop();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main(process.argv[2], process.argv[3]).catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
