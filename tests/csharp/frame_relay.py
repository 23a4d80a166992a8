"""A `talking-together client`-like subscriber for tests: joins a server's room session and writes
every response to stdout as one line of protobuf's canonical JSON (the client's --out format,
talking_together.service.client.write_jsonl), flushed per line so a reader sees each frame as it
arrives. Exits 1 with the gRPC status on stderr when the stream fails.

    python tests/csharp/frame_relay.py HOST:PORT
"""

from __future__ import annotations

import sys

import grpc

from talking_together.service.client import subscribe, write_jsonl


def main() -> int:
    address = sys.argv[1]
    with grpc.insecure_channel(address) as channel:
        try:
            for response in subscribe(channel, "watchdog-probe"):
                write_jsonl(response, sys.stdout)
                sys.stdout.flush()
        except grpc.RpcError as exc:
            print(f"relay: {exc.code().name}: {exc.details()}", file=sys.stderr)
            return 1
        except BrokenPipeError:
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
