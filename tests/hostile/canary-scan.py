#!/usr/bin/env python3
"""canary-scan.py: looks for a password, in every form it could leak in, in files and in an
strace log (hostile-cases row 1).

usage: canary-scan.py --password PW --user USER [--strace LOG] [--allow-smtp-auth]
                      [FILE...]

The forms searched (needles):
  plain        the password itself
  hex, HEX     its hexadecimal text, lower and upper case
  plain-blob   the AUTH PLAIN message before encoding: NUL user NUL password
  b64-blob     that message in base64, as AUTH PLAIN sends it
  b64-N        the base64 of the password at each of the 3 alignments (N = bytes before it),
               cut to the characters that depend on the password alone, so that it is
               found whatever surrounds it (AUTH LOGIN sends alignment 0; the blob holds
               another)

FILE...: each is searched as raw bytes (a report, captured stdout/stderr, a temporary file).
--strace LOG: a log of `strace -f -yy -xx -e trace=write,writev,sendto,sendmsg,...`; the
bytes of every write are decoded and searched, and each hit is named by the syscall and the
descriptor strace shows (a file's path, a pipe, TCP:[a:p->b:p]). Writes to a TCP socket are
what goes to the server: after STARTTLS they are ciphertext, so a password form there is a
cleartext leak.
--allow-smtp-auth: the user explicitly allowed login without encryption (row 6,
smtp.allow-plaintext=yes): the base64 forms may then appear in writes to TCP sockets, and
only there; the plain, hex and unencoded blob forms never may.

Prints one line per hit ("HIT <form> in <where>") and, last, "writes N bytes B
truncated T"; exits 1 if there was any hit not allowed, 0 otherwise, 2 on bad input.
Standard library only.
"""
import argparse
import base64
import re
import sys


def b64_cores(secret):
    """The base64 text of secret after 0, 1 and 2 other bytes, without the characters that
    also depend on the bytes around it."""
    out = []
    for pad in range(3):
        enc = base64.b64encode(b"\0" * pad + secret).decode()
        start = (pad * 4 + 2) // 3
        end = ((pad + len(secret)) * 4) // 3 - 1
        core = enc[start:end]
        if len(core) >= 8:
            out.append(("b64-%d" % pad, core.encode()))
    return out


def needles(password, user):
    pw = password.encode()
    blob = b"\0" + user.encode() + b"\0" + pw
    return [("plain", pw), ("hex", pw.hex().encode()), ("HEX", pw.hex().upper().encode()),
            ("plain-blob", blob), ("b64-blob", base64.b64encode(blob))] + b64_cores(pw)


# One traced write: "PID write(FD<desc>, ..." (PID only with -f and several processes;
# "[pid N]" in some versions). The descriptor is shown by -yy in angle brackets.
CALL = re.compile(r'^(?:\[pid\s+)?(\d+\]?\s+)?(write|writev|sendto|sendmsg|pwrite64|pwritev)'
                  r'\((\d+)(?:<(.*?)>)?,')
STRING = re.compile(r'"((?:\\x[0-9a-fA-F]{2})*)"(\.\.\.)?')


def strace_writes(path):
    """(call, fd, descriptor, bytes, truncated) for every traced write in the log."""
    with open(path, "r", errors="replace") as f:
        for line in f:
            m = CALL.match(line)
            if not m:
                continue
            data = b""
            truncated = False
            for s in STRING.finditer(line, m.end()):
                data += bytes.fromhex(s.group(1).replace("\\x", ""))
                truncated = truncated or s.group(2) is not None
            yield m.group(2), m.group(3), m.group(4) or "", data, truncated


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--password", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--strace", metavar="LOG")
    ap.add_argument("--allow-smtp-auth", action="store_true")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    forms = needles(args.password, args.user)
    bad = 0

    def search(data, where, socket_write):
        nonlocal bad
        for name, needle in forms:
            if needle in data:
                allowed = (args.allow_smtp_auth and socket_write and name.startswith("b64"))
                print("HIT %s in %s%s" % (name, where, " (allowed: cleartext AUTH the user "
                                          "asked for)" if allowed else ""))
                if not allowed:
                    bad += 1

    for path in args.files:
        try:
            with open(path, "rb") as f:
                search(f.read(), path, False)
        except OSError as e:
            print("canary-scan: %s: %s" % (path, e.strerror), file=sys.stderr)
            return 2
    writes = nbytes = ntrunc = 0
    if args.strace:
        try:
            for call, fd, desc, data, truncated in strace_writes(args.strace):
                writes += 1
                nbytes += len(data)
                ntrunc += truncated
                sock = desc.startswith("TCP:") or desc.startswith("TCPv6:")
                search(data, "%s(%s<%s>)" % (call, fd, desc), sock)
        except OSError as e:
            print("canary-scan: %s: %s" % (args.strace, e.strerror), file=sys.stderr)
            return 2
    print("writes %d bytes %d truncated %d" % (writes, nbytes, ntrunc))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
