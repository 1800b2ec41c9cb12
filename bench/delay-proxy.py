#!/usr/bin/env python3
"""delay-proxy.py: puts a known one-way delay on every TCP connection and DNS query of a lab.

netem is not in every kernel, so the delay is made in user space. Runs inside the client
namespace of the bench lab:

  TCP  iptables/ip6tables nat OUTPUT REDIRECTs the lab's open server ports to --port here;
       SO_ORIGINAL_DST names the real destination, which is connected to with SO_MARK set
       (the REDIRECT rule skips marked packets, so the proxy's own connection goes out).
       Each chunk read is written to the other side --delay-ms after it arrived, in order.
       The client's connect completes at once (the kernel answers the SYN locally), so the
       connection upstream is opened 3 one-way delays later: the server's accept then
       happens when it would after a real SYN, SYN-ACK, ACK, and the greeting reaches the
       client after 2 RTT, as it would.
  UDP  --dns ADDR: a relay on 127.0.0.1:53 forwarding each query to ADDR:53 and each
       answer back, each way --delay-ms late.

Traffic goes only where the lab's REDIRECT rules send it. Standard library only. Writes
"ready" to --ready-file once listening; stops on SIGTERM.
"""
import argparse
import heapq
import os
import signal
import socket
import struct
import sys
import threading
import time

SO_ORIGINAL_DST = 80
MARK = 0x5F


def original_dst(conn, family):
    if family == socket.AF_INET:
        raw = conn.getsockopt(socket.SOL_IP, SO_ORIGINAL_DST, 16)
        port, = struct.unpack("!H", raw[2:4])
        return (socket.inet_ntop(socket.AF_INET, raw[4:8]), port)
    raw = conn.getsockopt(socket.IPPROTO_IPV6, SO_ORIGINAL_DST, 28)
    port, = struct.unpack("!H", raw[2:4])
    return (socket.inet_ntop(socket.AF_INET6, raw[8:24]), port)


class Pipe:
    """One direction: chunks read from src go to dst delay seconds after they arrived."""

    def __init__(self, src, dst, delay):
        self.src, self.dst, self.delay = src, dst, delay
        self.queue = []
        self.cond = threading.Condition()
        self.done = False

    def reader(self):
        while True:
            try:
                data = self.src.recv(65536)
            except OSError:
                data = b""
            with self.cond:
                self.queue.append((time.monotonic() + self.delay, data))
                self.cond.notify()
            if not data:
                return

    def writer(self):
        while True:
            with self.cond:
                while not self.queue:
                    self.cond.wait()
                due, data = self.queue.pop(0)
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if not data:
                try:
                    self.dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                return
            try:
                self.dst.sendall(data)
            except OSError:
                return

    def start(self):
        threads = [threading.Thread(target=self.reader, daemon=True),
                   threading.Thread(target=self.writer, daemon=True)]
        for t in threads:
            t.start()
        return threads


def handle(conn, family, delay):
    try:
        dst = original_dst(conn, family)
        # One line per connection: the bench counts the connections each case opens.
        print("connect %s %d" % dst, file=sys.stderr, flush=True)
        time.sleep(3 * delay)
        up = socket.socket(family, socket.SOCK_STREAM)
        up.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, MARK)
        up.settimeout(30)
        up.connect(dst)
        up.settimeout(None)
    except OSError:
        # Only open ports are redirected here; a failure is the lab breaking: reset.
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()
        return
    for s in (conn, up):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    threads = Pipe(conn, up, delay).start() + Pipe(up, conn, delay).start()
    for t in threads:
        t.join()
    conn.close()
    up.close()


def serve_tcp(family, addr, port, delay):
    ls = socket.socket(family, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    ls.bind((addr, port))
    ls.listen(64)

    def loop():
        while True:
            conn, _ = ls.accept()
            threading.Thread(target=handle, args=(conn, family, delay), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()


def serve_dns(upstream, delay):
    """Each query gets its own upstream socket, so answers find their way back."""
    ls = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ls.bind(("127.0.0.1", 53))
    timers = []
    lock = threading.Lock()

    def later(when, fn):
        with lock:
            heapq.heappush(timers, (when, id(fn), fn))

    def clock():
        while True:
            with lock:
                now = time.monotonic()
                due = []
                while timers and timers[0][0] <= now:
                    due.append(heapq.heappop(timers)[2])
            for fn in due:
                fn()
            time.sleep(0.001)

    def one(query, client):
        up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        up.settimeout(10)
        try:
            up.sendto(query, (upstream, 53))
            answer = up.recv(65536)
        except OSError:
            up.close()
            return
        up.close()
        later(time.monotonic() + delay, lambda: ls.sendto(answer, client))

    def loop():
        while True:
            query, client = ls.recvfrom(65536)
            later(time.monotonic() + delay,
                  lambda q=query, c=client: threading.Thread(
                      target=one, args=(q, c), daemon=True).start())
    threading.Thread(target=clock, daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--delay-ms", type=float, required=True, help="one-way delay")
    ap.add_argument("--port", type=int, default=10025, help="the REDIRECT target port")
    ap.add_argument("--dns", metavar="ADDR", help="relay DNS on 127.0.0.1:53 to ADDR:53")
    ap.add_argument("--ready-file", required=True)
    args = ap.parse_args()
    delay = args.delay_ms / 1000.0
    serve_tcp(socket.AF_INET, "127.0.0.1", args.port, delay)
    serve_tcp(socket.AF_INET6, "::1", args.port, delay)
    if args.dns:
        serve_dns(args.dns, delay)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    with open(args.ready_file, "w") as f:
        f.write("ready\n")
    while True:
        signal.pause()


if __name__ == "__main__":
    sys.exit(main())
