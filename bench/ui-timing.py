#!/usr/bin/env python3
"""ui-timing.py: start-up and key-press timings of sendfix's front ends, in a pseudo-terminal.

  ui-timing.py startup [--runs N] -- SENDFIX ARGS...
      Starts the program N times (80x24, TERM=xterm-256color) and prints "MEDIAN / MAX"
      milliseconds from fork to the first screen: the last byte of the first burst of
      output (the burst ends at a 30 ms silence), so the whole first screen is drawn.
  ui-timing.py keys [--presses N] -- SENDFIX ARGS...
      Starts the full-screen wizard, presses Enter (taking the answers given with
      --answer) until a probe is running and still is a second later (its screen offers
      "stop the test" and has not said "Finished"), then presses "t" N times and prints
      "MEDIAN / MAX"
      milliseconds from each press that opens the details to "Details (press t to hide)"
      on the screen ("Details"). The probe must run long enough (a dripping server does).

A pty is read directly, so the figures carry no terminal emulator's own delay.
Standard library only.
"""
import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import termios
import time


def spawn(argv):
    pid, fd = pty.fork()
    if pid == 0:
        env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", HOME="/nonexistent")
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    return pid, fd


def stop(pid, fd):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG)[0] != 0:
            break
        drain(fd, 0.02)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(fd)


def drain(fd, wait):
    """Reads what arrives within wait seconds; returns (bytes, time of the last byte)."""
    out, last = b"", None
    end = time.monotonic() + wait
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return out, last
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            return out, last
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return out, last
        if not chunk:
            return out, last
        out += chunk
        last = time.monotonic()


def startup(argv, runs):
    times = []
    for _ in range(runs):
        t0 = time.monotonic()
        pid, fd = spawn(argv)
        select.select([fd], [], [], 5.0)  # the first byte, at most 5 s away
        out, last = b"", None
        while True:
            chunk, t = drain(fd, 0.03)
            if not chunk:
                break
            out += chunk
            last = t
            if time.monotonic() - t0 > 5:
                break
        stop(pid, fd)
        if last is not None:
            times.append((last - t0) * 1000)
    return times


def wait_for(fd, needle, seconds, seen=b""):
    end = time.monotonic() + seconds
    buf = seen
    while time.monotonic() < end:
        chunk, t = drain(fd, min(0.05, max(0.0, end - time.monotonic())))
        buf += chunk
        if needle in buf:
            return buf, t
    return None, None


def keys(argv, presses):
    pid, fd = spawn(argv)
    try:
        for _ in range(60):
            chunk, _ = drain(fd, 0.5)
            # A probe screen offers "stop the test" while its probe runs; one still
            # unfinished a second later is a probe that will run long enough.
            if b"stop the test" in chunk and b"Finished" not in chunk:
                more, _ = drain(fd, 1.0)
                if b"Finished" not in more:
                    break
                continue
            os.write(fd, b"\r")
        else:
            return []
        times = []
        for _ in range(presses):
            drain(fd, 0.15)
            t0 = time.monotonic()
            os.write(fd, b"t")
            got, t = wait_for(fd, b"Details", 2.0)
            if got is None:
                break
            times.append((t - t0) * 1000)
            drain(fd, 0.1)
            os.write(fd, b"t")
        return times
    finally:
        stop(pid, fd)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=("startup", "keys"))
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--presses", type=int, default=20)
    # Everything after "--" is the command (argparse's REMAINDER would take options too).
    if "--" not in sys.argv:
        ap.error("the command goes after --")
    cut = sys.argv.index("--")
    args = ap.parse_args(sys.argv[1:cut])
    argv = sys.argv[cut + 1:]
    times = startup(argv, args.runs) if args.what == "startup" else keys(argv, args.presses)
    if not times:
        print("n/a / n/a")
        return 1
    print("%.1f / %.1f" % (statistics.median(times), max(times)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
