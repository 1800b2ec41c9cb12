#!/usr/bin/env python3
"""secrets-watch.py: starts a command that holds a password and looks at it from outside.

usage: secrets-watch.py --canary PASSWORD --user USER --wait-file FILE --wait-text TEXT
                        [--wait-count N] --out FILE -- COMMAND...

Starts COMMAND (which must exec sendfix, so that its pid is sendfix's: "ip netns exec",
"setpriv" and "env" all exec) with an unlimited core size and the current directory as its
working directory, waits until TEXT appears N times in FILE (the fake server's log: sendfix has
logged in and now waits on a silent step), then writes to --out one "key value" line per
observation and kills the process with SIGSEGV:

  uid-proc N         owner of /proc/PID/status (root when the process is not dumpable)
  core-limit S H     "Max core file size" from /proc/PID/limits
  cmdline-hit 0|1    the password in /proc/PID/cmdline
  environ-hit 0|1    the password in /proc/PID/environ
  mem-read 0|1       whether /proc/PID/mem could be read at all
  mem-skipped N      mappings over 1 GiB left out (a sanitizer's reservations)
  mem-plain N        copies of the password in the process's readable memory
  mem-derived N      copies of its encodings: the AUTH PLAIN blob, raw and in base64, and
                     the base64 of the password at each of the 3 alignments
  core-dumped 0|1    the kernel's "core dumped" flag in the wait status after SIGSEGV
  signal N           the signal that ended it

Standard library only.
"""
import argparse
import base64
import os
import resource
import signal
import subprocess
import sys
import time


def b64_cores(secret):
    """The base64 text of secret at each alignment, without the characters that also
    depend on the bytes around it (the approach of hostile-cases row 1)."""
    out = []
    for pad in range(3):
        enc = base64.b64encode(b"\0" * pad + secret).decode()
        start = (pad * 4 + 2) // 3      # first character made only of secret bits
        end = ((pad + len(secret)) * 4) // 3 - 1
        core = enc[start:end]
        if len(core) >= 12:
            out.append(core.encode())
    return out


# Larger mappings are reservations, not data: AddressSanitizer's shadow and allocator
# regions span terabytes. They are left out and counted (mem-skipped).
MAP_MAX = 1 << 30
CHUNK = 16 << 20


def scan(pid, needles):
    """Counts of each needle in the readable mappings of pid and the number of mappings
    left out, or None if mem is closed. Chunks overlap by the longest needle."""
    counts = [0] * len(needles)
    skipped = 0
    overlap = max(len(n) for n in needles) - 1
    try:
        maps = open("/proc/%d/maps" % pid).read().splitlines()
        mem = open("/proc/%d/mem" % pid, "rb", 0)
    except OSError:
        return None
    with mem:
        for line in maps:
            fields = line.split()
            lo, hi = (int(x, 16) for x in fields[0].split("-"))
            if "r" not in fields[1] or (len(fields) > 5 and fields[5] in ("[vvar]",
                                                                          "[vsyscall]")):
                continue
            if hi - lo > MAP_MAX:
                skipped += 1
                continue
            tail = b""
            for off in range(lo, hi, CHUNK):
                try:
                    mem.seek(off)
                    data = tail + mem.read(min(CHUNK, hi - off))
                except (OSError, OverflowError, ValueError):
                    break
                for i, n in enumerate(needles):
                    # A needle is counted where it ends inside this chunk's new bytes.
                    counts[i] += data.count(n) - tail.count(n)
                tail = data[-overlap:] if overlap > 0 else b""
    return counts, skipped


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--canary", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--wait-file", required=True)
    ap.add_argument("--wait-text", required=True)
    ap.add_argument("--wait-count", type=int, default=1)
    ap.add_argument("--wait-seconds", type=float, default=20)
    ap.add_argument("--out", required=True)
    ap.add_argument("command", nargs="+")
    a = ap.parse_args()
    canary = a.canary.encode()
    plain_blob = b"\0" + a.user.encode() + b"\0" + canary
    derived = [plain_blob, base64.b64encode(plain_blob)] + b64_cores(canary)

    def unlimited_core():
        resource.setrlimit(resource.RLIMIT_CORE,
                           (resource.RLIM_INFINITY, resource.RLIM_INFINITY))

    proc = subprocess.Popen(a.command, preexec_fn=unlimited_core,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    obs = []
    deadline = time.monotonic() + a.wait_seconds
    while True:
        try:
            if open(a.wait_file, errors="replace").read().count(a.wait_text) >= a.wait_count:
                break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            sys.exit("secrets-watch.py: \"%s\" never appeared in %s (exit %s)"
                     % (a.wait_text, a.wait_file, proc.returncode))
        time.sleep(0.05)
    # The server logs MAIL as it reads it; give the client a moment to be inside the wait.
    time.sleep(0.3)
    pid = proc.pid
    obs.append("uid-proc %d" % os.stat("/proc/%d/status" % pid).st_uid)
    for line in open("/proc/%d/limits" % pid):
        if line.startswith("Max core file size"):
            obs.append("core-limit %s" % " ".join(line.split()[4:6]))
    for what in ("cmdline", "environ"):
        data = open("/proc/%d/%s" % (pid, what), "rb").read()
        obs.append("%s-hit %d" % (what, canary in data))
    found = scan(pid, [canary] + derived)
    if found is None:
        obs.append("mem-read 0")
    else:
        counts, skipped = found
        obs.append("mem-read 1")
        obs.append("mem-skipped %d" % skipped)
        obs.append("mem-plain %d" % counts[0])
        obs.append("mem-derived %d" % sum(counts[1:]))
    os.kill(pid, signal.SIGSEGV)
    _, status = os.waitpid(pid, 0)
    proc.returncode = 0     # reaped here, not by Popen
    obs.append("core-dumped %d" % (1 if os.WCOREDUMP(status) else 0))
    obs.append("signal %d" % (os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0))
    with open(a.out, "w") as f:
        f.write("\n".join(obs) + "\n")


if __name__ == "__main__":
    main()
