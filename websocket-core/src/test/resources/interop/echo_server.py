"""Echo server on the Python websockets library, compression on by default (its defaults:
server_max_window_bits=12, client_max_window_bits=12). Prints its port, then echoes until killed."""
import asyncio

import websockets


async def echo(ws, path=None):
    async for message in ws:
        await ws.send(message)


async def main():
    async with websockets.serve(echo, "127.0.0.1", 0, max_size=None, ping_interval=None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()


asyncio.run(main())
