"""Issue 8: hold 10,000 idle keep-alive connections at once and report what they cost.

The server (expresspy by default) runs in its own process, with the open-file limit raised for
it and for this script (all on 127.0.0.1). Each client connection sends one request, reads the
answer and then stays open, idle. The script reports the server's RSS before, with every
connection open, and after they closed, and checks that every connection was still open (a
second request on a sample of them is answered).

    python bench/server_idle.py --connections 10000
    python bench/server_idle.py --server uvicorn-httptools --connections 10000
"""

from __future__ import annotations

import argparse
import random
import resource
import socket
import time

from server_proc import cpu_model, load_average, rss_kib, server

REQUEST = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
KEEP_ALIVE = {
    "expresspy": ["--keep-alive-timeout", "300"],
    "uvicorn": ["--timeout-keep-alive", "300"],
}


def read_response(sock: socket.socket) -> bytes:
    """Read one hello-world response (its 13-byte body ends it)."""
    data = b""
    while not data.endswith(b"Hello, world!"):
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed by the server")
        data += chunk
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="expresspy-httptools")
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--hold", type=float, default=5.0, help="seconds to hold them open")
    args = parser.parse_args()
    nofile = args.connections + 1024
    resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
    extra = KEEP_ALIVE[args.server.split("-")[0]]
    print(f"# {time.strftime('%Y-%m-%d %H:%M')}  {cpu_model()}  load {load_average()}")
    with server(args.server, cpu=0, extra=extra, nofile=nofile) as srv:
        time.sleep(0.5)
        before = rss_kib(srv.pid)
        clients: list[socket.socket] = []
        start = time.monotonic()
        try:
            for _ in range(args.connections):
                sock = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
                sock.sendall(REQUEST)
                read_response(sock)
                clients.append(sock)
            opened = time.monotonic() - start
            time.sleep(args.hold)
            held = rss_kib(srv.pid)
            sample = random.Random(1).sample(clients, min(200, len(clients)))
            for sock in sample:  # still open and served after the wait
                sock.sendall(REQUEST)
                read_response(sock)
        finally:
            for sock in clients:
                sock.close()
        time.sleep(2.0)
        after = rss_kib(srv.pid)
    per = (held - before) * 1024 / max(1, len(clients))
    print(
        f"server {args.server}: {len(clients)} idle keep-alive connections opened in "
        f"{opened:.1f} s, held {args.hold:.0f} s; {len(sample)} sampled ones still served"
    )
    print(
        f"RSS before {before / 1024:.1f} MiB, with all open {held / 1024:.1f} MiB, "
        f"after closing {after / 1024:.1f} MiB: {per / 1024:.2f} KiB per connection"
    )


if __name__ == "__main__":
    main()
