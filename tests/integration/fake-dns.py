#!/usr/bin/env python3
"""fake-dns.py: a DNS server that answers every query with a malformed reply of one kind.

Usage: fake-dns.py --scenario NAME [--ready-file FILE] ADDR PORT

Listens on UDP and TCP at ADDR PORT and answers every query with what the scenario builds,
echoing the query's id and question. Well-formed parts use the lab's data (smtp.lab.test is
192.0.2.10 and 2001:db8::10, ref.lab.test .20); names outside lab.test and the reverse
zones are NXDOMAIN. Writes the ready file once listening; exits on SIGTERM.
--list prints the scenario names. Standard library only.
"""

import argparse
import random
import select
import signal
import socket
import struct
import sys
import time

T_A, T_NS, T_CNAME, T_PTR, T_MX, T_TXT, T_AAAA, T_SRV = 1, 2, 5, 12, 15, 16, 28, 33
T_NULL = 10
PTR_Q = 0xC00C          # a compression pointer to the question name (offset 12)

HOSTS = {
    "smtp.lab.test": ("192.0.2.10", "2001:db8::10"),
    "ref.lab.test": ("192.0.2.20", "2001:db8::20"),
    "down.lab.test": ("192.0.2.30", "2001:db8::30"),
    "gone.lab.test": ("192.0.2.31", "2001:db8::31"),
}


# ---- wire helpers ----------------------------------------------------------------------

def wire_name(name):
    out = b""
    for label in name.strip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def u16(v):
    return struct.pack("!H", v)


def header(q, flags=0x8180, rcode=0, an=0, ns=0, ar=0, qd=1):
    """A response header for query q: QR, RD copied, RA; counts as given."""
    flags = (flags & ~0x010F) | (q["flags"] & 0x0100) | rcode
    return struct.pack("!HHHHHH", q["id"], flags, qd, an, ns, ar)


def rr(owner, rtype, rdata, rdlen=None, ttl=300):
    """A record; owner is wire bytes or a pointer (int); rdlen may lie."""
    if isinstance(owner, int):
        owner = u16(owner)
    if rdlen is None:
        rdlen = len(rdata)
    return owner + struct.pack("!HHIH", rtype, 1, ttl, rdlen) + rdata


def addr_of(name, rtype):
    pair = HOSTS.get(name.lower().rstrip("."))
    if pair is None:
        return None
    fam = socket.AF_INET if rtype == T_A else socket.AF_INET6
    return socket.inet_pton(fam, pair[0] if rtype == T_A else pair[1])


def sample_rdata(rtype, name="smtp.lab.test"):
    """Well-formed rdata of a type (the A/AAAA of name), or None for other types."""
    if rtype in (T_A, T_AAAA):
        return addr_of(name, rtype) or addr_of("smtp.lab.test", rtype)
    if rtype == T_MX:
        return u16(10) + wire_name("smtp.lab.test")
    if rtype == T_SRV:
        return u16(0) + u16(1) + u16(587) + wire_name("smtp.lab.test")
    if rtype in (T_PTR, T_CNAME, T_NS):
        return wire_name("smtp.lab.test")
    if rtype == T_TXT:
        s = b"v=spf1 ip4:192.0.2.10 -all"
        return bytes([len(s)]) + s
    return None


def in_lab(name):
    n = name.lower().rstrip(".")
    return (n == "lab.test" or n.endswith(".lab.test") or n.endswith(".in-addr.arpa") or
            n.endswith(".ip6.arpa"))


def good(q):
    """The answer a healthy server gives."""
    name, rtype = q["name"], q["type"]
    if not in_lab(name):
        return header(q, flags=0x8580, rcode=3) + q["question"]
    if rtype in (T_A, T_AAAA):
        data = addr_of(name, rtype)
    else:
        data = sample_rdata(rtype)
    if data is None:
        return header(q, flags=0x8580) + q["question"]           # NODATA
    return header(q, flags=0x8580, an=1) + q["question"] + rr(PTR_Q, rtype, data)


def parse_query(msg):
    if len(msg) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", msg[:6])
    if qd != 1 or flags & 0x8000:
        return None
    p, labels = 12, []
    while p < len(msg) and msg[p] != 0:
        n = msg[p]
        if n > 63 or p + 1 + n > len(msg):
            return None
        labels.append(msg[p + 1:p + 1 + n].decode("ascii", "replace"))
        p += 1 + n
    if p + 5 > len(msg):
        return None
    qtype, qclass = struct.unpack("!HH", msg[p + 1:p + 5])
    return {"id": qid, "flags": flags, "name": ".".join(labels), "type": qtype,
            "class": qclass, "question": msg[12:p + 5]}


# ---- scenarios: f(q, transport) -> bytes, None (say nothing) or CLOSE ------------------

CLOSE = "close"


def name_types(rtype):
    return rtype in (T_MX, T_SRV, T_PTR, T_CNAME, T_NS)


def with_bad_pointer(q, ptr_at):
    """Record 1's owner is a bad pointer; for name-bearing types record 2's target is."""
    rtype = q["type"]
    data = sample_rdata(rtype) or b"\0\0\0\0"
    msg = header(q, an=1) + q["question"]
    msg += rr(ptr_at(len(msg)), rtype, data)
    if name_types(rtype):
        fixed = {T_MX: 2, T_SRV: 6}.get(rtype, 0)
        start = len(msg) + 2 + 10                 # owner pointer + fixed fields
        rdata = data[:fixed] + u16(ptr_at(start + fixed))
        msg = msg[:6] + u16(2) + msg[8:] + rr(PTR_Q, rtype, rdata)
    return msg


def s_compression_loop(q, tr):
    return with_bad_pointer(q, lambda off: 0xC000 | off)         # points at itself


def s_pointer_forward(q, tr):
    return with_bad_pointer(q, lambda off: 0xC000 | 0x3FF0)      # far past the end


def s_lying_counts(q, tr):
    data = sample_rdata(q["type"]) or b"\0\0\0\0"
    return header(q, an=50) + q["question"] + rr(PTR_Q, q["type"], data)


def s_rdlength_long(q, tr):
    data = sample_rdata(q["type"]) or b"\0\0\0\0"
    return header(q, an=1) + q["question"] + rr(PTR_Q, q["type"], data, rdlen=200)


def s_rdlength_short(q, tr):
    """Consistent framing, but rdata too short for the type (A 3, AAAA 4, SRV 5, ...)."""
    rtype = q["type"]
    data = sample_rdata(rtype) or b"\0\0\0\0"
    cut = {T_A: 3, T_AAAA: 4, T_SRV: 5, T_MX: 3, T_PTR: 4, T_CNAME: 4, T_TXT: 4}
    data = data[:cut.get(rtype, 1)]
    return header(q, an=1) + q["question"] + rr(PTR_Q, rtype, data)


def s_mx_bad(q, tr):
    if q["type"] != T_MX:
        return good(q)
    return header(q, an=1) + q["question"] + rr(PTR_Q, T_MX, b"\x0a")


def s_txt_overrun(q, tr):
    """A string length of 200 in a 4-byte rdata, followed by a good TXT record."""
    if q["type"] != T_TXT:
        return good(q)
    return (header(q, an=2) + q["question"] + rr(PTR_Q, T_TXT, b"\xc8abc") +
            rr(PTR_Q, T_TXT, sample_rdata(T_TXT)))


def s_truncated_udp(q, tr):
    if tr == "udp":
        return header(q, flags=0x8380) + q["question"]
    return good(q)


def s_truncated_both(q, tr):
    if tr == "udp":
        return header(q, flags=0x8380) + q["question"]
    return CLOSE


def s_garbage(q, tr):
    """Random bytes after the echoed id, so the id alone does not get them dropped."""
    return u16(q["id"]) + bytes(RNG.getrandbits(8) for _ in range(RNG.randint(1, 500)))


def s_wrong_id(q, tr):
    return u16(q["id"] ^ 0x5A5A) + good(q)[2:]


def s_short_header(q, tr):
    return u16(q["id"]) + b"\x81\x80\x00"


def s_servfail(q, tr):
    return header(q, rcode=2) + q["question"]


def s_huge(q, tr):
    """TC over UDP; over TCP 65535 bytes: as many records as fit, then one filler."""
    if tr == "udp":
        return header(q, flags=0x8380) + q["question"]
    rtype = q["type"]
    data = sample_rdata(rtype, q["name"]) or b"\0\0\0\0"
    one = rr(PTR_Q, rtype, data)
    base = 12 + len(q["question"])
    filler_min = 2 + 10
    count = (65535 - base - filler_min) // len(one)
    rest = 65535 - base - count * len(one) - filler_min
    msg = (header(q, an=count, ar=1) + q["question"] + one * count +
           rr(PTR_Q, T_NULL, b"\0" * rest))
    assert len(msg) == 65535
    return msg


def s_slow(q, tr):
    return ("delay", 5.0, good(q))


SCENARIOS = {
    "compression-loop": s_compression_loop,
    "pointer-forward": s_pointer_forward,
    "lying-counts": s_lying_counts,
    "rdlength-long": s_rdlength_long,
    "rdlength-short": s_rdlength_short,
    "mx-bad": s_mx_bad,
    "txt-overrun": s_txt_overrun,
    "truncated-udp": s_truncated_udp,
    "truncated-both": s_truncated_both,
    "garbage": s_garbage,
    "wrong-id": s_wrong_id,
    "short-header": s_short_header,
    "servfail": s_servfail,
    "huge": s_huge,
    "slow": s_slow,
}

RNG = random.Random(0)


# ---- the server ------------------------------------------------------------------------

def answer(scenario, msg, tr):
    q = parse_query(msg)
    if q is None:
        return None
    return SCENARIOS[scenario](q, tr)


def serve(args):
    family = socket.AF_INET6 if ":" in args.addr else socket.AF_INET
    udp = socket.socket(family, socket.SOCK_DGRAM)
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    udp.bind((args.addr, args.port))
    tcp = socket.socket(family, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((args.addr, args.port))
    tcp.listen(16)
    if args.ready_file:
        with open(args.ready_file, "w") as f:
            f.write("%s %d %s\n" % (args.addr, args.port, args.scenario))

    conns = {}          # socket -> bytes read so far
    later = []          # (when, kind, target, bytes): delayed replies
    while True:
        now = time.monotonic()
        wait = min([w - now for w, *_ in later], default=1.0)
        r, _, _ = select.select([udp, tcp] + list(conns), [], [], max(wait, 0))
        for s in r:
            if s is udp:
                msg, peer = udp.recvfrom(65535)
                reply = answer(args.scenario, msg, "udp")
                log("udp", msg, reply)
                send(udp, peer, reply, later, "udp")
            elif s is tcp:
                c, _ = tcp.accept()
                conns[c] = b""
            else:
                data = s.recv(65537)
                if not data:
                    close(s, conns)
                    continue
                conns[s] += data
                buf = conns[s]
                while len(buf) >= 2 and len(buf) >= 2 + struct.unpack("!H", buf[:2])[0]:
                    n = struct.unpack("!H", buf[:2])[0]
                    msg, buf = buf[2:2 + n], buf[2 + n:]
                    reply = answer(args.scenario, msg, "tcp")
                    log("tcp", msg, reply)
                    if reply == CLOSE:
                        close(s, conns)
                        buf = None
                        break
                    send(s, None, reply, later, "tcp")
                if buf is not None and s in conns:
                    conns[s] = buf
        now = time.monotonic()
        for item in [i for i in later if i[0] <= now]:
            later.remove(item)
            _, tr, s, peer, reply = item
            try:
                emit(s, peer, reply, tr)
            except OSError:
                pass


def send(s, peer, reply, later, tr):
    if reply is None:
        return
    if isinstance(reply, tuple):
        _, delay, reply = reply
        later.append((time.monotonic() + delay, tr, s, peer, reply))
        return
    try:
        emit(s, peer, reply, tr)
    except OSError:
        pass


def emit(s, peer, reply, tr):
    if tr == "udp":
        s.sendto(reply, peer)
    else:
        s.sendall(u16(len(reply)) + reply)


def close(s, conns):
    conns.pop(s, None)
    s.close()


def log(tr, msg, reply):
    q = parse_query(msg)
    what = "%s %d" % (q["name"], q["type"]) if q else "unparsable"
    size = ("nothing" if reply is None else reply if isinstance(reply, str) else
            "%d bytes later" % len(reply[2]) if isinstance(reply, tuple) else
            "%d bytes" % len(reply))
    print("%s %s -> %s" % (tr, what, size), flush=True)


def main():
    ap = argparse.ArgumentParser(description="a DNS server with malformed answers")
    ap.add_argument("--scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--ready-file")
    ap.add_argument("--list", action="store_true", help="print the scenario names")
    ap.add_argument("addr", nargs="?")
    ap.add_argument("port", nargs="?", type=int)
    args = ap.parse_args()
    if args.list:
        print("\n".join(SCENARIOS))
        return 0
    if not args.scenario or args.addr is None or args.port is None:
        ap.error("--scenario, ADDR and PORT are needed")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    serve(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
