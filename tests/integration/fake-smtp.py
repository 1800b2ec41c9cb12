#!/usr/bin/env python3
"""fake-smtp.py ADDR PORT: a scripted SMTP server for behaviour no real server in the lab produces.

Serves one scenario (--scenario NAME; --list shows them all): a table of replies that
reproduces a provider's refusal, a middlebox or a broken server, with the real wording from
docs/field-notes.md where it has it. Listens on ADDR PORT (IPv4 or IPv6; PORT 0 picks a
free port), and once listening writes the port number to --ready-file. Exits after
--once N connections have ended, or on SIGTERM/SIGINT, with status 0.

TLS: --tls-cert FILE (certificate, then its chain; the key too unless --tls-key is given)
enables STARTTLS; --implicit-tls makes the whole connection TLS from the start (port 465).
Without a certificate, STARTTLS is still advertised where the scenario does, and answered
"454 4.7.0 TLS not available due to local problem" (Postfix's words).

Each connection is logged to stderr as "C:"/"S:" lines. Standard library only.
"""
import argparse
import os
import signal
import socket
import ssl
import select
import sys
import threading
import time

# What every scenario starts from: a healthy submission server (RFC 6409) after Postfix.
# A scenario is a few keys on top of this. Replies are whole replies, each line with its
# code; "\n" separates lines, and the server writes each reply in one send with CRLFs.
BASE = {
    "about": "a healthy submission server",
    "banner": "220 {host} ESMTP sendfix fake server",
    "host": "smtp.lab.test",
    # EHLO keywords before TLS, and after it (None: the same without STARTTLS).
    "ehlo": ["PIPELINING", "SIZE 10240000", "STARTTLS", "AUTH PLAIN LOGIN",
             "ENHANCEDSTATUSCODES", "8BITMIME"],
    "ehlo_tls": None,
    # STARTTLS: a reply starting "220" starts TLS after it is sent (RFC 3207 4).
    "starttls": "220 2.0.0 Ready to start TLS",
    # Until TLS is up, AUTH and MAIL get this reply instead (None: no such rule).
    "need_tls": None,
    # The AUTH outcome, per mechanism ("*": any other advertised one).
    "auth": {"*": "235 2.7.0 Authentication successful"},
    "mail": "250 2.1.0 Ok",
    "rcpt": "250 2.1.5 Ok",
    "data": "354 End data with <CR><LF>.<CR><LF>",
    "data_end": "250 2.0.0 Ok: queued as 4FAKE1",
    # Greeting behaviour: "normal", or "drip" (one byte per --drip-interval seconds).
    "greeting": "normal",
    # False: plain text even with --implicit-tls (a plaintext server where TLS is expected).
    "tls_allowed": True,
}

# Google's (support.google.com/a/answer/3726730) and Microsoft's wording, as field-notes.md
# lists it; Google's multi-line replies as Gmail sends them.
SCENARIOS = {
    "healthy": {},
    "auth-535": {
        "about": "Gmail: wrong password",
        "auth": {"*": "535-5.7.8 Username and Password not accepted. For more information, go to\n"
                      "535 5.7.8  https://support.google.com/mail/?p=BadCredentials"},
    },
    "auth-534-app-password": {
        "about": "Gmail: 2-step verification on, an app password is needed",
        "auth": {"*": "534-5.7.9 Application-specific password required. Learn more at\n"
                      "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor"},
    },
    "auth-ms-basic-disabled": {
        "about": "Microsoft 365: SMTP AUTH with a password is turned off",
        "ehlo": ["SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "STARTTLS",
                 "AUTH LOGIN XOAUTH2", "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8"],
        "auth": {"*": "535 5.7.139 Authentication unsuccessful, basic authentication is "
                      "disabled."},
    },
    "auth-locked": {
        "about": "Gmail: too many login attempts, stop retrying",
        "auth": {"*": "454 4.7.0 Too many login attempts, please try again later."},
    },
    "oauth-only": {
        "about": "only OAuth mechanisms offered; passwords refused",
        "ehlo": ["PIPELINING", "SIZE 35882577", "STARTTLS", "AUTH XOAUTH2 OAUTHBEARER",
                 "ENHANCEDSTATUSCODES", "8BITMIME"],
        "auth": {"*": "535 5.7.3 Authentication unsuccessful"},
    },
    "mail-550-5.7.60": {
        "about": "Microsoft 365: login fine, not allowed to send as this sender",
        "rcpt": "550 5.7.60 SMTP; Client does not have permissions to send as this sender",
    },
    "mail-550-5.1.8": {
        "about": "Microsoft 365: account restricted from sending (bad outbound sender)",
        "mail": "550 5.1.8 Access denied, bad outbound sender",
    },
    "rate-limited": {
        "about": "Gmail: unusual rate of unsolicited mail (421 closes the connection)",
        "rcpt": "421-4.7.28 Our system has detected an unusual rate of unsolicited mail\n"
                "421-4.7.28 originating from your IP address. To protect our users from\n"
                "421-4.7.28 spam, mail sent from your IP address has been temporarily\n"
                "421 4.7.28 rate limited.",
    },
    "quota-exceeded": {
        "about": "Gmail: the account's daily sending limit",
        "rcpt": "550 5.4.5 Daily user sending quota exceeded.",
    },
    "blocklisted-greeting": {
        "about": "refused at the greeting: the client's address is on a blocklist",
        "banner": "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using "
                  "zen.spamhaus.org",
    },
    "spf-550-5.7.26": {
        "about": "Gmail: the message fails the sender domain's DMARC/SPF",
        "data_end": "550-5.7.26 Unauthenticated email from lab.test is not accepted due to\n"
                    "550-5.7.26 domain's DMARC policy. Please contact the administrator of\n"
                    "550-5.7.26 lab.test domain if this was a legitimate mail.\n"
                    "550 5.7.26  https://support.google.com/mail/?p=DmarcRejection",
    },
    "content-spam": {
        "about": "the message itself refused by a content filter, after the final dot",
        "data_end": "554 5.7.1 Message rejected: likely unsolicited mail (content "
                    "filter)",
    },
    "relay-denied": {
        "about": "Postfix without AUTH: relaying refused",
        "ehlo": ["PIPELINING", "SIZE 10240000", "STARTTLS", "ENHANCEDSTATUSCODES",
                 "8BITMIME"],
        "rcpt": "554 5.7.1 <{rcpt}>: Relay access denied",
    },
    "starttls-required": {
        "about": "AUTH and MAIL refused before STARTTLS; AUTH offered only after it",
        "ehlo": ["PIPELINING", "SIZE 10240000", "STARTTLS", "ENHANCEDSTATUSCODES",
                 "8BITMIME"],
        "ehlo_tls": ["PIPELINING", "SIZE 10240000", "AUTH PLAIN LOGIN",
                     "ENHANCEDSTATUSCODES", "8BITMIME"],
        "need_tls": "530 5.7.0 Must issue a STARTTLS command first",
    },
    "cisco-inspection": {
        "about": "Cisco ASA ESMTP inspection: banner masked, STARTTLS turned into X's",
        "banner": "220 ****************************",
        "ehlo": ["PIPELINING", "SIZE 10240000", "XXXXXXXA", "AUTH PLAIN LOGIN",
                 "ENHANCEDSTATUSCODES", "8BITMIME"],
        # The firewall masks the client's STARTTLS too: the server never sees the verb.
        "starttls": "502 5.5.2 Error: command not recognized",
    },
    "intercepted": {
        "about": "port 25 answered by the ISP's own relay, not the server asked for",
        "host": "smtp.isp-relay.example",
        "banner": "220 {host} ESMTP",
    },
    "drip": {
        "about": "the greeting arrives one byte per second (or --drip-interval)",
        "greeting": "drip",
    },
    "starttls-injection": {
        "about": "an extra reply sent with the STARTTLS answer, before TLS starts",
        "starttls": "220 Ready\n250 injected",
    },
    "slow-mail": {
        "about": "a healthy server that takes 6 seconds to answer MAIL (a busy server, and "
                 "time for a test to look at the dialogue while it waits)",
        "mail_delay": 6,
    },
    "clock-skewed": {
        "about": "a banner stating the server's date, years before this computer's clock "
                 "(serve an expired certificate with it: client.clock-wrong)",
        "banner": "220 {host} ESMTP Postfix; Mon, 02 Mar 2020 10:00:00 +0000",
    },
    "plain-on-465": {
        "about": "a plaintext greeting where TLS is expected (even with --implicit-tls)",
        "tls_allowed": False,
    },
    "starttls-no-tls": {
        "about": "STARTTLS answered 220, then plain SMTP instead of a ServerHello: the "
                 "ClientHello read as a bad command (row 37)",
        "after_starttls": "plain",
    },
    "starttls-stripped": {
        "about": "AUTH offered in cleartext, STARTTLS not advertised (stripped on the way, "
                 "or a server without TLS: hostile-cases rows 3, 6)",
        "ehlo": ["PIPELINING", "SIZE 10240000", "AUTH PLAIN LOGIN", "ENHANCEDSTATUSCODES",
                 "8BITMIME"],
    },
    "tls-silent": {
        "about": "with --implicit-tls: reads the ClientHello and never answers, holding the "
                 "connection open until the client leaves (hostile-cases rows 25, 32)",
        "tls_allowed": False,
        "tls_silent": True,
    },
}

# What a server says outside any scenario's table.
REPLY_NO_TLS = "454 4.7.0 TLS not available due to local problem"
REPLY_BAD_SEQUENCE = "503 5.5.1 Error: bad sequence of commands"
REPLY_NO_AUTH = "503 5.5.1 Error: authentication not enabled"
REPLY_BAD_MECH = "504 5.5.4 Unrecognized authentication type"
REPLY_UNKNOWN = "502 5.5.2 Error: command not recognized"
REPLY_TLS_ACTIVE = "554 5.5.1 Error: TLS already active"
REPLY_ABORTED = "501 5.7.0 Authentication aborted"
REPLY_OK = "250 2.0.0 Ok"
REPLY_BYE = "221 2.0.0 Bye"
LINE_MAX = 4096


def scenario(name):
    s = dict(BASE)
    s.update(SCENARIOS[name])
    if s["ehlo_tls"] is None:
        s["ehlo_tls"] = [k for k in s["ehlo"] if k.upper() != "STARTTLS"]
    return s


class Closed(Exception):
    pass


class Session:
    """One connection, as a small state machine over lines."""

    def __init__(self, conn, peer, sc, args, ctx):
        self.conn = conn
        self.peer = peer
        self.sc = sc
        self.args = args
        self.ctx = ctx
        self.buf = b""
        self.tls = False
        self.authed = False
        self.rcpt = ""

    def log(self, direction, text):
        for line in text.splitlines() or [""]:
            sys.stderr.write("%s %s: %s\n" % (self.peer, direction, line))
        sys.stderr.flush()

    def fill(self, text):
        return text.replace("{host}", self.sc["host"]).replace("{rcpt}", self.rcpt)

    def send(self, reply):
        """One reply, in one write: the lines joined with CRLF."""
        reply = self.fill(reply)
        self.log("S", reply)
        self.conn.sendall(reply.replace("\n", "\r\n").encode() + b"\r\n")

    def readline(self, secret=False):
        while b"\n" not in self.buf:
            if len(self.buf) > LINE_MAX:
                raise Closed("line too long")
            data = self.conn.recv(4096)
            if not data:
                raise Closed("client closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        text = line.rstrip(b"\r").decode("utf-8", "replace")
        if secret:
            self.log("C", "(hidden)")
        else:
            self.log("C", "AUTH ..." if text.upper().startswith("AUTH ") else text)
        return text

    def start_tls(self):
        # RFC 3207 4.2: anything the client sent before TLS started is forgotten.
        self.buf = b""
        self.conn = self.ctx.wrap_socket(self.conn, server_side=True)
        self.tls = True
        self.authed = False
        self.log("S", "(TLS started: %s)" % self.conn.version())

    def stay_plain(self):
        """After agreeing to STARTTLS, no TLS: the ClientHello is read as a command line
        would be, and answered in plain text, as a server that never switched does. Only
        after the ClientHello, so this is not the injection of row 2."""
        data = self.buf or self.conn.recv(4096)
        self.buf = b""
        if not data:
            raise Closed("client closed")
        self.log("C", "(%d bytes, %s)" % (len(data), "a TLS record" if data[:1] == b"\x16"
                                          else "not TLS"))
        self.send("500 5.5.2 Error: bad syntax")

    def greet(self):
        banner = self.fill(self.sc["banner"]).replace("\n", "\r\n").encode() + b"\r\n"
        if self.sc["greeting"] == "drip":
            self.log("S", "(dripping) " + self.fill(self.sc["banner"]))
            for i in range(len(banner)):
                self.conn.sendall(banner[i:i + 1])
                time.sleep(self.args.drip_interval)
        else:
            self.send(self.sc["banner"])

    def ehlo(self, keywords):
        lines = [self.sc["host"]] + list(keywords)
        self.send("\n".join("250%s%s" % ("-" if i < len(lines) - 1 else " ", l)
                            for i, l in enumerate(lines)))

    def mechanisms(self):
        for k in self.sc["ehlo_tls"] if self.tls else self.sc["ehlo"]:
            if k.upper().startswith("AUTH "):
                return k.upper().split()[1:]
        return []

    def auth(self, arg):
        parts = arg.split()
        mech = parts[0].upper() if parts else ""
        offered = self.mechanisms()
        if not offered:
            return REPLY_NO_AUTH
        if mech not in offered:
            return REPLY_BAD_MECH
        # Collect the exchange the mechanism needs, so a client gets its reply at the
        # point a real server would give it (RFC 4954 4).
        if mech == "LOGIN":
            if len(parts) < 2:
                self.send("334 VXNlcm5hbWU6")
                if self.readline(secret=True) == "*":
                    return REPLY_ABORTED
            self.send("334 UGFzc3dvcmQ6")
            if self.readline(secret=True) == "*":
                return REPLY_ABORTED
        elif len(parts) < 2:
            self.send("334 ")
            if self.readline(secret=True) == "*":
                return REPLY_ABORTED
        reply = self.sc["auth"].get(mech, self.sc["auth"]["*"])
        self.authed = reply.startswith("235")
        return reply

    def data(self):
        self.send(self.sc["data"])
        if not self.sc["data"].startswith("354"):
            return
        while True:
            line = self.readline_quiet()
            if line == ".":
                break
        self.send(self.sc["data_end"])

    def readline_quiet(self):
        while b"\n" not in self.buf:
            if len(self.buf) > 16 * LINE_MAX:
                raise Closed("DATA line too long")
            data = self.conn.recv(65536)
            if not data:
                raise Closed("client closed during DATA")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode("utf-8", "replace")

    def reply(self, text):
        """Sends a reply; 421 closes the connection after it (RFC 5321 3.8)."""
        self.send(text)
        if self.fill(text).splitlines()[-1].startswith("421"):
            raise Closed("421 sent")

    def run(self):
        sc = self.sc
        if self.args.implicit_tls and sc.get("tls_silent"):
            # Swallow whatever comes (the ClientHello) until the peer closes or the idle
            # timeout ends the connection.
            while self.conn.recv(4096):
                pass
            raise Closed("the client left during the silent handshake")
        if self.args.implicit_tls and sc["tls_allowed"]:
            self.start_tls()
        self.greet()
        refused = sc["banner"].startswith("5")
        while True:
            line = self.readline()
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            if verb == "QUIT":
                self.send(REPLY_BYE)
                return
            if refused:
                # RFC 5321 3.1: after a 554 greeting, every command but QUIT gets 503.
                self.send(REPLY_BAD_SEQUENCE)
            elif verb == "EHLO":
                self.ehlo(sc["ehlo_tls"] if self.tls else sc["ehlo"])
            elif verb == "HELO":
                self.send("250 %s" % sc["host"])
            elif verb == "STARTTLS":
                if self.tls:
                    self.send(REPLY_TLS_ACTIVE)
                elif not sc["starttls"].startswith("220"):
                    self.send(sc["starttls"])
                elif "STARTTLS" not in [k.upper() for k in sc["ehlo"]]:
                    self.send(REPLY_UNKNOWN)
                elif sc.get("after_starttls") == "plain":
                    self.send(sc["starttls"])
                    self.stay_plain()
                elif self.ctx is None:
                    self.send(REPLY_NO_TLS)
                else:
                    self.send(sc["starttls"])
                    self.start_tls()
            elif verb == "AUTH":
                if sc["need_tls"] and not self.tls:
                    self.send(sc["need_tls"])
                elif self.authed:
                    self.send("503 5.5.1 Error: already authenticated")
                else:
                    self.reply(self.auth(arg))
            elif verb == "MAIL":
                if sc["need_tls"] and not self.tls:
                    self.send(sc["need_tls"])
                else:
                    time.sleep(sc.get("mail_delay", 0))
                    self.reply(sc["mail"])
            elif verb == "RCPT":
                start, end = arg.find("<"), arg.find(">")
                self.rcpt = arg[start + 1:end] if 0 <= start < end else arg
                self.reply(sc["rcpt"])
            elif verb == "DATA":
                self.data()
            elif verb in ("RSET", "NOOP"):
                self.send(REPLY_OK)
            else:
                self.send(REPLY_UNKNOWN)


def serve(conn, peer, sc, args, ctx, done):
    session = Session(conn, peer, sc, args, ctx)
    try:
        conn.settimeout(args.idle_timeout)
        session.run()
    except (Closed, OSError, ssl.SSLError) as e:
        session.log("-", "(closed: %s)" % e)
    finally:
        try:
            session.conn.close()
        except OSError:
            pass
        done.release()


def listen(addr, port):
    addr = addr.strip("[]")
    infos = socket.getaddrinfo(addr, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0,
                               socket.AI_NUMERICHOST | socket.AI_PASSIVE)
    family, kind, proto, _, sockaddr = infos[0]
    s = socket.socket(family, kind, proto)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind(sockaddr)
    s.listen(16)
    return s


def main():
    ap = argparse.ArgumentParser(
        description="A scripted SMTP server for sendfix's tests.",
        epilog="Scenarios: " + ", ".join(SCENARIOS))
    ap.add_argument("addr", nargs="?", help="address to listen on (127.0.0.1, ::1, ...)")
    ap.add_argument("port", nargs="?", type=int, help="port (0: any free port)")
    ap.add_argument("--scenario", default="healthy", help="what the server does")
    ap.add_argument("--list", action="store_true", help="list the scenarios and exit")
    ap.add_argument("--once", type=int, metavar="N", default=0,
                    help="exit after N connections have ended (default: run until killed)")
    ap.add_argument("--ready-file", metavar="FILE",
                    help="write the port number here once listening")
    ap.add_argument("--tls-cert", metavar="FILE", help="certificate chain (PEM)")
    ap.add_argument("--tls-key", metavar="FILE", help="its key (default: in --tls-cert)")
    ap.add_argument("--implicit-tls", action="store_true", help="TLS from the start (465)")
    ap.add_argument("--drip-interval", type=float, default=1.0, metavar="SECONDS",
                    help="seconds between the bytes of a dripped greeting (default 1)")
    ap.add_argument("--tls-max", choices=("1.0", "1.1", "1.2", "1.3"),
                    help="the newest TLS version offered (1.0 or 1.1: an outdated server)")
    ap.add_argument("--idle-timeout", type=float, default=60.0, metavar="SECONDS",
                    help="close a connection silent this long (default 60)")
    args = ap.parse_args()

    if args.list:
        for name in SCENARIOS:
            print("%-24s %s" % (name, scenario(name)["about"]))
        return 0
    if args.addr is None or args.port is None:
        ap.error("ADDR and PORT are required")
    if args.scenario not in SCENARIOS:
        ap.error("unknown scenario %r (--list shows them)" % args.scenario)
    sc = scenario(args.scenario)
    if args.implicit_tls and sc["tls_allowed"] and not args.tls_cert:
        ap.error("--implicit-tls needs --tls-cert")

    ctx = None
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        if args.tls_max:
            ver = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1,
                   "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}[args.tls_max]
            if ver < ssl.TLSVersion.TLSv1_2:
                # OpenSSL's default security level refuses TLS 1.0/1.1 outright.
                ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
                ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
            ctx.maximum_version = ver

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    s = listen(args.addr, args.port)
    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % s.getsockname()[1])
        os.rename(tmp, args.ready_file)
    sys.stderr.write("listening on %s port %d, scenario %s\n"
                     % (args.addr, s.getsockname()[1], args.scenario))

    done = threading.Semaphore(0)
    accepted = ended = 0
    while not stop.is_set():
        while done.acquire(blocking=False):
            ended += 1
        if args.once and ended >= args.once:
            break
        if args.once and accepted >= args.once:
            time.sleep(0.05)
            continue
        try:
            ready, _, _ = select.select([s], [], [], 0.1)
        except InterruptedError:
            continue
        if not ready:
            continue
        try:
            conn, peer = s.accept()
        except OSError:
            continue
        accepted += 1
        name = "[%s]:%d" % (peer[0], peer[1])
        threading.Thread(target=serve, args=(conn, name, sc, args, ctx, done),
                         daemon=True).start()
    s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
