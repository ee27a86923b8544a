"""The Python `websockets` peer for the interop tests (Debian python3-websockets).

    python3 ws_peer.py server [deflate]        echo server on 127.0.0.1, prints "listening <port>"
    python3 ws_peer.py client <url> [deflate]  sends every message of the matrix, checks each echo,
                                               prints "extensions <negotiated>", "ok <type> <bytes>"
                                               per message and "done <n>"
With "deflate" the peer offers (client) or accepts (server) permessage-deflate.
"""
import asyncio
import sys

import websockets

SIZES = [0, 1, 125, 126, 127, 128, 65535, 65536, 1024 * 1024]
UTF8_SAMPLE = "Hello-µ@ßöäüàá-UTF-8!! κόσμε \U0001D11E"
LIMIT = 16 * 1024 * 1024


def payload(kind, size):
    if kind == "text":
        return "".join(chr(97 + i % 26) for i in range(size))
    return bytes((i * 31 + 7) & 0xFF for i in range(size))


def matrix():
    out = [(kind, payload(kind, size)) for kind in ("text", "binary") for size in SIZES]
    out.append(("text", UTF8_SAMPLE))
    return out


async def echo(ws, path=None):
    async for message in ws:
        await ws.send(message)


async def server(compression):
    async with websockets.serve(echo, "127.0.0.1", 0, max_size=LIMIT, compression=compression) as srv:
        port = srv.sockets[0].getsockname()[1]
        print("listening", port, flush=True)
        await asyncio.Future()


async def client(url, compression):
    n = 0
    async with websockets.connect(url, max_size=LIMIT, compression=compression) as ws:
        print("extensions", ws.response_headers.get("Sec-WebSocket-Extensions", ""), flush=True)
        for kind, data in matrix():
            await ws.send(data)
            got = await ws.recv()
            if type(got) is not type(data):
                print(f"FAIL message {n}: got {type(got).__name__}, sent {kind}", flush=True)
                return 1
            if got != data:
                print(f"FAIL message {n}: {len(got)} items differ from the {len(data)} sent", flush=True)
                return 1
            size = len(data.encode("utf-8")) if kind == "text" else len(data)
            print(f"ok {kind} {size}", flush=True)
            n += 1
        await ws.close(1000, "done")
        if ws.close_code != 1000:
            print(f"FAIL close code {ws.close_code}", flush=True)
            return 1
    print(f"done {n}", flush=True)
    return 0


if __name__ == "__main__":
    mode = "deflate" if sys.argv[-1] == "deflate" else None
    if sys.argv[1:2] == ["server"]:
        asyncio.run(server(mode))
    elif sys.argv[1:2] == ["client"]:
        sys.exit(asyncio.run(client(sys.argv[2], mode)))
    else:
        print("usage: ws_peer.py server | client <url>", file=sys.stderr)
        sys.exit(2)
