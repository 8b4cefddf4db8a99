"""`pinecone-ops serve`: run a standalone local Pinecone until Ctrl-C / SIGTERM."""
from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve", help="run a local Pinecone (the official SDK talks to it over HTTP)",
                              description="Run a local Pinecone. Point clients at the printed URL: "
                                          "Pinecone(api_key='pclocal', host=URL), or export PINECONE_OPS_HOST=URL "
                                          "for pinecone_ops.connect().")
    p.add_argument("--port", type=int, default=5080, help="TCP port (default 5080; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1, loopback only)")
    p.add_argument("--data-dir", default=None, metavar="DIR",
                   help="directory for durable state (default: memory only)")
    p.add_argument("--meter-scale", type=float, default=1.0, metavar="X",
                   help="multiply namespace sizes by X for query RU and storage (teaching knob; default 1)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pinecone_ops.emulator.server import LocalPinecone

    try:
        server = LocalPinecone(host=args.host, port=args.port, data_dir=args.data_dir,
                               meter_scale=args.meter_scale)
        server.serve_forever()
    except OSError as exc:
        print(f"pinecone-ops serve: {exc.strerror or exc}")
        return 1
    except KeyboardInterrupt:
        pass
    print("Local Pinecone stopped.", flush=True)
    return 0
