"""`pinecone-ops serve`: run a standalone local Pinecone until Ctrl-C / SIGTERM."""
from __future__ import annotations

import argparse
import contextlib
import os


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve", help="run a local Pinecone (the official SDK talks to it over HTTP)",
                              description="Run a local Pinecone. Point clients at the printed URL: "
                                          "Pinecone(api_key='pclocal', host=URL), or export PINECONE_OPS_HOST=URL "
                                          "for pinecone_ops.connect().")
    p.add_argument("--port", type=int, default=5080, help="TCP port (default 5080; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1, loopback only)")
    p.add_argument("--sandbox-socket", default=None, metavar="PATH",
                   help="also listen on this Unix socket for a sandboxed student kernel (the grader's; its "
                        "/_ops needs no key and is locked while a hidden check runs)")
    p.add_argument("--data-dir", default=None, metavar="DIR",
                   help="directory for durable state (default: memory only)")
    p.add_argument("--meter-scale", type=float, default=1.0, metavar="X",
                   help="multiply namespace sizes by X for query RU and storage (teaching knob; default 1)")
    faults = p.add_argument_group("plan and teaching faults (all off by default; docs/emulator-control.md)")
    faults.add_argument("--plan", choices=("starter", "standard", "enterprise"), default="standard",
                        help="quotas to enforce (default standard)")
    faults.add_argument("--index-init-ms", type=int, default=0, metavar="MS",
                        help="new indexes stay Initializing (not ready) this long")
    faults.add_argument("--consistency-lag-ms", type=int, default=0, metavar="MS",
                        help="writes become visible to reads this long after they are acknowledged")
    faults.add_argument("--rate-limit-rps", type=_rps, default=0, metavar="N|pinecone",
                        help="more than N requests per second of one data-plane operation on one namespace get 429; "
                             "'pinecone' = Pinecone's documented default, 100 per namespace")
    faults.add_argument("--api-key", action="append", default=[], metavar="KEY=ROLE[,ROLE]",
                        help="accept only these keys, with Pinecone roles (ProjectEditor, ProjectViewer, "
                             "ControlPlaneEditor, ControlPlaneViewer, DataPlaneEditor, DataPlaneViewer); repeatable")
    faults.add_argument("--admin-key", default=None, metavar="KEY",
                        help="the admin API's (/_ops) credential while --api-key keys are on (default: "
                             "$PINECONE_OPS_ADMIN_KEY, else a random one, printed at start)")
    p.set_defaults(func=run)


def _rps(value: str) -> int | str:
    return value if value == "pinecone" else int(value)


def _api_keys(specs: list[str]) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    for spec in specs:
        key, sep, roles = spec.partition("=")
        if not sep or not key or not roles:
            raise ValueError(f"--api-key {spec!r}: write KEY=ROLE, e.g. --api-key reader=DataPlaneViewer")
        keys[key] = roles.split(",")
    return keys


def run(args: argparse.Namespace) -> int:
    from pinecone_ops.emulator.server import LocalPinecone

    try:
        options = dict(plan=args.plan, index_init_ms=args.index_init_ms,
                       consistency_lag_ms=args.consistency_lag_ms, rate_limit_rps=args.rate_limit_rps,
                       api_keys=_api_keys(args.api_key))
    except ValueError as exc:
        print(f"pinecone-ops serve: {exc}")
        return 2
    try:
        server = LocalPinecone(host=args.host, port=args.port, data_dir=args.data_dir, admin_key=args.admin_key,
                               sandbox_socket=args.sandbox_socket, meter_scale=args.meter_scale, **options)
        if options["api_keys"] and not (args.admin_key or os.environ.get("PINECONE_OPS_ADMIN_KEY")):
            print(f"Admin API (/_ops) key: export PINECONE_OPS_ADMIN_KEY={server.admin_key}", flush=True)
        server.serve_forever()
    except OSError as exc:
        print(f"pinecone-ops serve: {exc.strerror or exc}")
        return 1
    except ValueError as exc:  # a bad option value, e.g. an unknown role
        print(f"pinecone-ops serve: {exc}")
        return 2
    except KeyboardInterrupt:
        pass
    # stdout may already be closed by whoever started us (a pipe); stopping is what matters
    with contextlib.suppress(OSError):
        print("Local Pinecone stopped.", flush=True)
    return 0
