"""Per-connection memory of compression on the example app: N Python `websockets` clients (which
offer permessage-deflate, as browsers do) connect to /echo, each sends one 300-byte message and
reads its echo, then all stay idle. Prints the server's RSS (and NMT's committed total when the
server runs with -XX:NativeMemoryTracking=summary) before and after, per connection.

usage: /usr/bin/python3 compression_memory.py PID PORT COUNT [compress|plain]
"""
import asyncio
import subprocess
import sys

import websockets


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def nmt_committed_kb(pid):
    try:
        out = subprocess.run(["jcmd", str(pid), "VM.native_memory", "summary"], capture_output=True, text=True,
                             timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in out.splitlines():
        if line.startswith("Total:"):
            return int(line.split("committed=")[1].split("KB")[0])
    return None


def gc(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, timeout=60)


async def one(port, compress, ready, hold):
    async with websockets.connect(f"ws://127.0.0.1:{port}/echo", compression="deflate" if compress else None,
                                  max_size=None, open_timeout=60, ping_interval=None) as ws:
        await ws.send("x" * 300)
        await ws.recv()
        ready.release()
        await hold.wait()


async def main():
    pid, port, count = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    compress = len(sys.argv) < 5 or sys.argv[4] == "compress"
    gc(pid)
    rss0, nmt0 = rss_kb(pid), nmt_committed_kb(pid)
    ready, hold = asyncio.Semaphore(0), asyncio.Event()
    sem = asyncio.Semaphore(100)

    async def bounded():
        async with sem:
            pass
        await one(port, compress, ready, hold)

    tasks = [asyncio.create_task(bounded()) for _ in range(count)]
    for _ in range(count):
        await asyncio.wait_for(ready.acquire(), 120)
    await asyncio.sleep(2)
    gc(pid)
    rss1, nmt1 = rss_kb(pid), nmt_committed_kb(pid)
    per = (rss1 - rss0) * 1024 / count
    print(f"{count} connections ({'permessage-deflate' if compress else 'uncompressed'}): "
          f"RSS {rss0} -> {rss1} KB, {per:,.0f} B per connection", end="")
    if nmt0 is not None and nmt1 is not None:
        print(f"; NMT committed {nmt0} -> {nmt1} KB, {(nmt1 - nmt0) * 1024 / count:,.0f} B per connection")
    else:
        print()
    hold.set()
    await asyncio.gather(*tasks, return_exceptions=True)


asyncio.run(main())
