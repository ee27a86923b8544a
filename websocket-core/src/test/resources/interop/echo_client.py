"""Client on the Python websockets library (compression on by default): sends messages to the
given URL, checks each echo, prints {"extensions": <response header>, "ok": true}."""
import asyncio
import json
import sys

import websockets


def message(i):
    text = ("hello %d, " % i) * (i * 37 % 700)
    return text.encode() if i % 2 else text


async def main(url, count):
    async with websockets.connect(url, max_size=None, ping_interval=None) as ws:
        extensions = ws.response_headers.get("Sec-WebSocket-Extensions")
        for i in range(count):
            await ws.send(message(i))
            back = await ws.recv()
            if back != message(i):
                print(json.dumps({"extensions": extensions, "ok": False, "at": i}), flush=True)
                return
        print(json.dumps({"extensions": extensions, "ok": True}), flush=True)


asyncio.run(main(sys.argv[1], int(sys.argv[2])))
