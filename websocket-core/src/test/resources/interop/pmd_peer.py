"""permessage-deflate peer for Conduit's tests, built on the Python websockets library.

Reads one JSON array per line on stdin, answers one JSON object per line on stdout:
  ["client_offer", cfg]               -> {"header": "..."}            (websockets as the client)
  ["client_accept", cfg, header]      -> {"ok": true} | {"error": "..."}
  ["server_respond", cfg, header]     -> {"header": "..."|null} | {"error": "..."}  (as the server)
  ["encode", hex]                     -> {"data": hex, "rsv1": bool}  (one whole text message)
  ["decode", hex]                     -> {"data": hex} | {"error": "..."}
cfg = {"snct": bool, "cnct": bool, "smwb": int|null, "cmwb": true|int|null}
"""
import json
import sys

from websockets.exceptions import NegotiationError
from websockets.extensions.permessage_deflate import (
    ClientPerMessageDeflateFactory,
    ServerPerMessageDeflateFactory,
)
from websockets.frames import Frame, Opcode
from websockets.headers import build_extension, parse_extension

extension = None


def client_factory(cfg):
    return ClientPerMessageDeflateFactory(
        server_no_context_takeover=cfg.get("snct", False),
        client_no_context_takeover=cfg.get("cnct", False),
        server_max_window_bits=cfg.get("smwb"),
        client_max_window_bits=cfg.get("cmwb", True),
    )


def server_factory(cfg):
    return ServerPerMessageDeflateFactory(
        server_no_context_takeover=cfg.get("snct", False),
        client_no_context_takeover=cfg.get("cnct", False),
        server_max_window_bits=cfg.get("smwb"),
        client_max_window_bits=cfg.get("cmwb"),
    )


def handle(cmd):
    global extension
    op = cmd[0]
    if op == "client_offer":
        f = client_factory(cmd[1])
        return {"header": build_extension([(f.name, f.get_request_params())])}
    if op == "client_accept":
        f = client_factory(cmd[1])
        try:
            accepted = [e for e in parse_extension(cmd[2])] if cmd[2] else []
            extension = None
            for name, params in accepted:
                if name != f.name:
                    return {"error": "unexpected extension " + name}
                extension = f.process_response_params(params, [])
            return {"ok": extension is not None}
        except Exception as e:  # NegotiationError, InvalidHeader...
            return {"error": type(e).__name__ + ": " + str(e)}
    if op == "server_respond":
        f = server_factory(cmd[1])
        extension = None
        for name, params in parse_extension(cmd[2]):
            if name != f.name:
                continue
            try:
                response, extension = f.process_request_params(params, [])
            except NegotiationError:
                continue
            return {"header": build_extension([(f.name, response)])}
        return {"header": None}
    if op == "encode":
        frame = extension.encode(Frame(Opcode.TEXT, bytes.fromhex(cmd[1])))
        return {"data": frame.data.hex(), "rsv1": frame.rsv1}
    if op == "decode":
        try:
            frame = extension.decode(Frame(Opcode.TEXT, bytes.fromhex(cmd[1]), rsv1=True))
            return {"data": frame.data.hex()}
        except Exception as e:
            return {"error": type(e).__name__ + ": " + str(e)}
    return {"error": "unknown command " + op}


for line in sys.stdin:
    print(json.dumps(handle(json.loads(line))), flush=True)
