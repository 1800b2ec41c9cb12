#!/usr/bin/env python3
"""fake-listener.py ADDR:PORT... : a TCP listener for the integration tests' lab namespaces.

Accepts on every ADDR:PORT given ("192.0.2.10:587", "[2001:db8::10]:587"), greets each
connection with an SMTP banner, answers QUIT, and closes. Used where the tests only need a
port that answers; real SMTP servers (Postfix) come in for the dialogue itself. Writes
"ready" to the file named by --ready once every socket listens. Runs until killed.
"""
import argparse
import selectors
import socket
import sys


def parse(spec):
    host, _, port = spec.rpartition(":")
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return family, host, int(port)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ready", required=True)
    ap.add_argument("--banner", default="lab.test ESMTP sendfix test listener")
    ap.add_argument("listen", nargs="+")
    args = ap.parse_args()

    sel = selectors.DefaultSelector()
    for spec in args.listen:
        family, host, port = parse(spec)
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((host, port))
        s.listen(16)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, "listen")
    with open(args.ready, "w") as f:
        f.write("ready\n")

    banner = ("220 %s\r\n" % args.banner).encode()
    while True:
        for key, _ in sel.select():
            if key.data == "listen":
                try:
                    conn, _ = key.fileobj.accept()
                except OSError:
                    continue
                conn.setblocking(False)
                try:
                    conn.send(banner)
                except OSError:
                    conn.close()
                    continue
                sel.register(conn, selectors.EVENT_READ, "conn")
            else:
                conn = key.fileobj
                try:
                    data = conn.recv(4096)
                except OSError:
                    data = b""
                if data and data.upper().startswith(b"QUIT"):
                    try:
                        conn.send(b"221 2.0.0 Bye\r\n")
                    except OSError:
                        pass
                    data = b""
                elif data:
                    try:
                        conn.send(b"250 lab.test\r\n")
                    except OSError:
                        data = b""
                if not data:
                    sel.unregister(conn)
                    conn.close()


if __name__ == "__main__":
    sys.exit(main())
