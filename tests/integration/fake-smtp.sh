#!/bin/sh
# fake-smtp.py answers as its scenarios say, byte for byte: a tiny client talks to it on
# 127.0.0.1 (and ::1 when this host has it), on a free port the server picks itself. No
# sendfix involved. Every server started here is stopped on exit.
set -u

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
pass() { echo "PASS: $*"; }

: "${TESTDIR:?TESTDIR must name the tests directory}"
command -v python3 >/dev/null 2>&1 || skip "needs python3"
FAKE="$TESTDIR/integration/fake-smtp.py"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fake-smtp.XXXXXX")
PIDS=""
N=0

cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $PIDS; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The client: HOST PORT STEP..., one step an argument. "\r" and "\n" in TEXT are escapes.
#   >LINE         send LINE and CRLF
#   <TEXT         read one whole reply (its lines joined by "\n"); it must hold TEXT
#   <=TEXT        ... and be exactly TEXT
#   +TEXT / -TEXT the last reply holds / does not hold TEXT
#   ^TEXT         the next bytes, sent by the server unasked, are exactly TEXT
#   tls:CA        TLS handshake verifying smtp.lab.test against CA
#   tlsfail:CA:T  the handshake fails verification with T in the reason
#   issuer:TEXT   the server certificate's issuer names TEXT
#   drip:N:S      the first N bytes take S seconds at least, and come in several reads
#   eof           the server closes the connection
cat >"$TMP/client.py" <<'EOF'
import re, socket, ssl, sys, time

def esc(s):
    return s.replace("\\r", "\r").replace("\\n", "\n")

host, port, steps = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
sock = socket.create_connection((host, port), timeout=10)
buf = b""
last = ""

def recv():
    global buf
    data = sock.recv(4096)
    if not data:
        sys.exit("the server closed the connection; wanted more (step %r)" % step)
    buf += data

def reply():
    global buf
    lines = []
    while True:
        while b"\n" not in buf:
            recv()
        line, buf = buf.split(b"\n", 1)
        if not line.endswith(b"\r"):
            sys.exit("a reply line without CRLF: %r" % line)
        text = line[:-1].decode()
        lines.append(text)
        if re.match(r"^\d{3}( |$)", text):
            return "\n".join(lines)
        if not re.match(r"^\d{3}-", text):
            sys.exit("not a reply line: %r" % text)

for step in steps:
    if step.startswith(">"):
        sock.sendall(step[1:].encode() + b"\r\n")
    elif step.startswith("<="):
        last = reply()
        if last != esc(step[2:]):
            sys.exit("got %r, want %r" % (last, esc(step[2:])))
    elif step.startswith("<"):
        last = reply()
        if esc(step[1:]) not in last:
            sys.exit("got %r, want it to hold %r" % (last, esc(step[1:])))
    elif step.startswith("+"):
        if esc(step[1:]) not in last:
            sys.exit("%r does not hold %r" % (last, esc(step[1:])))
    elif step.startswith("-"):
        if esc(step[1:]) in last:
            sys.exit("%r holds %r" % (last, esc(step[1:])))
    elif step.startswith("^"):
        want = esc(step[1:]).encode()
        while len(buf) < len(want):
            recv()
        got, buf = buf[:len(want)], buf[len(want):]
        if got != want:
            sys.exit("got %r, want %r" % (got, want))
    elif step.startswith("tls:") or step.startswith("tlsfail:"):
        if buf:
            sys.exit("bytes left before TLS: %r" % buf)
        parts = step.split(":", 2)
        ctx = ssl.create_default_context(cafile=parts[1])
        try:
            sock = ctx.wrap_socket(sock, server_hostname="smtp.lab.test")
        except ssl.SSLCertVerificationError as e:
            if step.startswith("tlsfail:") and parts[2] in str(e):
                break
            sys.exit("TLS verification failed: %s" % e)
        if step.startswith("tlsfail:"):
            sys.exit("the handshake passed; wanted it to fail with %r" % parts[2])
    elif step.startswith("issuer:"):
        issuer = " ".join(v for rdn in sock.getpeercert()["issuer"] for _, v in rdn)
        if step[7:] not in issuer:
            sys.exit("issuer %r does not name %r" % (issuer, step[7:]))
    elif step.startswith("drip:"):
        _, n, least = step.split(":")
        start = time.monotonic()
        recv()
        first = len(buf)
        while len(buf) < int(n):
            recv()
        took = time.monotonic() - start
        if first >= int(n) or took < float(least):
            sys.exit("%s bytes in %.2f s, the first read %d bytes: not dripped"
                     % (n, took, first))
    elif step == "eof":
        if buf or sock.recv(1) != b"":
            sys.exit("the server did not close the connection")
    else:
        sys.exit("bad step %r" % step)
EOF

# start HOST SCENARIO [OPTION...]: a server on a free port; sets PID and PORT.
start() {
	host=$1
	scenario=$2
	shift 2
	N=$((N + 1))
	ready="$TMP/ready.$N"
	python3 "$FAKE" --scenario "$scenario" --ready-file "$ready" --idle-timeout 10 "$@" \
	    "$host" 0 2>"$TMP/server.$N.log" &
	PID=$!
	PIDS="$PIDS $PID"
	i=0
	while [ ! -s "$ready" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$PID" 2>/dev/null; then
			fail "fake-smtp.py $scenario did not start: $(cat "$TMP/server.$N.log")"
		fi
		sleep 0.05
	done
	PORT=$(cat "$ready")
}

# stopped: the server must end by itself (its --once count reached) with status 0.
stopped() {
	i=0
	while kill -0 "$PID" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "fake-smtp.py did not exit after its connections"
		sleep 0.05
	done
	wait "$PID"
	rc=$?
	[ "$rc" = 0 ] || fail "fake-smtp.py exited $rc: $(cat "$TMP/server.$N.log")"
}

# check WHAT SCENARIO "SERVER OPTIONS" STEP...: one connection to a --once 1 server.
check() {
	what=$1
	scenario=$2
	opts=$3
	shift 3
	# shellcheck disable=SC2086
	start "${HOST:-127.0.0.1}" "$scenario" --once 1 $opts
	python3 "$TMP/client.py" "${HOST:-127.0.0.1}" "$PORT" "$@" >"$TMP/client.$N.log" 2>&1 ||
	    fail "$what ($scenario): $(cat "$TMP/client.$N.log")
server said:
$(cat "$TMP/server.$N.log")"
	stopped
	pass "$what"
}

EHLO=">EHLO client.lab.test"
GMAIL_535="535 5.7.8  https://support.google.com/mail/?p=BadCredentials"
GMAIL_534="534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor"
PLAIN=">AUTH PLAIN AHVzZXIAcGFzcw=="

# ---- the command line -----------------------------------------------------------------
list=$(python3 "$FAKE" --list) || fail "--list failed"
for s in healthy auth-535 auth-534-app-password auth-ms-basic-disabled auth-locked oauth-only \
    mail-550-5.7.60 mail-550-5.1.8 rate-limited blocklisted-greeting spf-550-5.7.26 \
    relay-denied starttls-required cisco-inspection intercepted drip starttls-injection \
    plain-on-465; do
	echo "$list" | grep -q "^$s " || fail "--list does not show $s"
done
python3 "$FAKE" --scenario no-such 127.0.0.1 0 >/dev/null 2>"$TMP/usage" &&
    fail "an unknown scenario was accepted"
grep -q "unknown scenario" "$TMP/usage" || fail "no word about the unknown scenario"
pass "--list names every scenario; an unknown one is refused"

# ---- dialogues in plain text ------------------------------------------------------------
check "a healthy server takes a whole message" healthy "" \
    "<=220 smtp.lab.test ESMTP sendfix fake server" "$EHLO" \
    "<250-smtp.lab.test" "+250-STARTTLS" "+250-AUTH PLAIN LOGIN" \
    "$PLAIN" "<=235 2.7.0 Authentication successful" \
    ">MAIL FROM:<anna@lab.test>" "<=250 2.1.0 Ok" ">RCPT TO:<bob@lab.test>" "<=250 2.1.5 Ok" \
    ">DATA" "<354 " ">Subject: test" ">" ">hello" ">." "<=250 2.0.0 Ok: queued as 4FAKE1" \
    ">QUIT" "<=221 2.0.0 Bye" "eof"
check "without a certificate, STARTTLS is refused as Postfix does" healthy "" \
    "<220 " "$EHLO" "<250 " ">STARTTLS" "<=454 4.7.0 TLS not available due to local problem"
check "AUTH LOGIN: two challenges, then Gmail's 535" auth-535 "" \
    "<220 " "$EHLO" "<250 " ">AUTH LOGIN" "<=334 VXNlcm5hbWU6" ">dXNlcg==" \
    "<=334 UGFzc3dvcmQ6" ">cGFzcw==" \
    "<=535-5.7.8 Username and Password not accepted. For more information, go to\n$GMAIL_535"
check "Gmail's multi-line 534 app-password reply" auth-534-app-password "" \
    "<220 " "$EHLO" "<250 " "$PLAIN" \
    "<=534-5.7.9 Application-specific password required. Learn more at\n$GMAIL_534"
check "Microsoft 365 with basic authentication off" auth-ms-basic-disabled "" \
    "<220 " "$EHLO" "<250-AUTH LOGIN XOAUTH2" ">AUTH LOGIN dXNlcg==" "<=334 UGFzc3dvcmQ6" \
    ">cGFzcw==" "<=535 5.7.139 Authentication unsuccessful, basic authentication is disabled."
check "too many login attempts" auth-locked "" \
    "<220 " "$EHLO" "<250 " "$PLAIN" \
    "<=454 4.7.0 Too many login attempts, please try again later."
check "OAuth only: a password mechanism is not even recognised" oauth-only "" \
    "<220 " "$EHLO" "<250-AUTH XOAUTH2 OAUTHBEARER" "-PLAIN" \
    "$PLAIN" "<=504 5.5.4 Unrecognized authentication type" \
    ">AUTH XOAUTH2 dG9rZW4=" "<=535 5.7.3 Authentication unsuccessful"
check "send-as denied after a good login" mail-550-5.7.60 "" \
    "<220 " "$EHLO" "<250 " "$PLAIN" "<235 " ">MAIL FROM:<boss@lab.test>" "<=250 2.1.0 Ok" \
    ">RCPT TO:<bob@lab.test>" \
    "<=550 5.7.60 SMTP; Client does not have permissions to send as this sender"
check "a restricted account's MAIL FROM" mail-550-5.1.8 "" \
    "<220 " "$EHLO" "<250 " "$PLAIN" "<235 " ">MAIL FROM:<anna@lab.test>" \
    "<=550 5.1.8 Access denied, bad outbound sender"
check "rate limited: 421 and the connection ends" rate-limited "" \
    "<220 " "$EHLO" "<250 " "$PLAIN" "<235 " ">MAIL FROM:<anna@lab.test>" "<250 " \
    ">RCPT TO:<bob@lab.test>" "<421-4.7.28 Our system has detected an unusual rate" \
    "+421 4.7.28 rate limited." "eof"
check "a blocklisted client: 554 greeting, then 503 to all but QUIT" blocklisted-greeting "" \
    "<=554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org" \
    "$EHLO" "<=503 5.5.1 Error: bad sequence of commands" ">QUIT" "<=221 2.0.0 Bye" "eof"
check "DMARC/SPF refusal at the end of DATA" spf-550-5.7.26 "" \
    "<220 " "$EHLO" "<250 " "$PLAIN" "<235 " ">MAIL FROM:<anna@lab.test>" "<250 " \
    ">RCPT TO:<bob@gmail.example>" "<250 " ">DATA" "<354 " ">hello" ">." \
    "<550-5.7.26 Unauthenticated email from lab.test is not accepted due to" \
    "+550 5.7.26  https://support.google.com/mail/?p=DmarcRejection"
check "relaying refused without AUTH" relay-denied "" \
    "<220 " "$EHLO" "<250-STARTTLS" "-AUTH" "$PLAIN" \
    "<=503 5.5.1 Error: authentication not enabled" ">MAIL FROM:<anna@lab.test>" "<250 " \
    ">RCPT TO:<bob@example.com>" "<=554 5.7.1 <bob@example.com>: Relay access denied"
check "STARTTLS required before AUTH and MAIL" starttls-required "" \
    "<220 " "$EHLO" "<250-STARTTLS" "-AUTH" "$PLAIN" \
    "<=530 5.7.0 Must issue a STARTTLS command first" ">MAIL FROM:<anna@lab.test>" \
    "<=530 5.7.0 Must issue a STARTTLS command first"
check "Cisco ESMTP inspection masks the banner and STARTTLS" cisco-inspection "" \
    "<=220 ****************************" "$EHLO" "<250-XXXXXXXA" "-STARTTLS" \
    ">STARTTLS" "<=502 5.5.2 Error: command not recognized"
check "an intercepted port 25 names the ISP's relay" intercepted "" \
    "<=220 smtp.isp-relay.example ESMTP" "$EHLO" "<250-smtp.isp-relay.example"
check "a dripped greeting arrives a byte at a time" drip "--drip-interval 0.05" \
    "drip:6:0.2" "<=220 smtp.lab.test ESMTP sendfix fake server"

# ---- TLS ------------------------------------------------------------------------------
if command -v certtool >/dev/null 2>&1; then
	sh "$TESTDIR/integration/make-fake-certs.sh" "$TMP/certs" ||
	    fail "make-fake-certs.sh failed"
	C="$TMP/certs"
	for f in ca server-chain expired-chain self-signed self-signed-chain avast-root \
	    avast-leaf avast-chain; do
		[ -s "$C/$f.pem" ] || fail "make-fake-certs.sh did not make $f.pem"
	done
	check "STARTTLS with the lab CA; EHLO after TLS drops STARTTLS" healthy \
	    "--tls-cert $C/server-chain.pem" \
	    "<220 " "$EHLO" "<250-STARTTLS" ">STARTTLS" "<=220 2.0.0 Ready to start TLS" \
	    "tls:$C/ca.pem" "issuer:sendfix lab CA" "$EHLO" "<250-AUTH PLAIN LOGIN" "-STARTTLS" \
	    "$PLAIN" "<235 " ">QUIT" "<221 "
	check "STARTTLS required: AUTH offered and taken after TLS" starttls-required \
	    "--tls-cert $C/server-chain.pem" \
	    "<220 " "$EHLO" "<250-STARTTLS" ">STARTTLS" "<220 " "tls:$C/ca.pem" "$EHLO" \
	    "<250-AUTH PLAIN LOGIN" \
	    "$PLAIN" "<=235 2.7.0 Authentication successful" ">MAIL FROM:<anna@lab.test>" \
	    "<=250 2.1.0 Ok"
	check "STARTTLS injection: a second reply comes unasked in the same answer" \
	    starttls-injection "--tls-cert $C/server-chain.pem" \
	    "<220 " "$EHLO" "<250-STARTTLS" ">STARTTLS" "^220 Ready\r\n250 injected\r\n" \
	    "tls:$C/ca.pem" "$EHLO" "<250-smtp.lab.test" ">QUIT" "<221 "
	check "implicit TLS (port 465 style)" healthy \
	    "--implicit-tls --tls-cert $C/server-chain.pem" \
	    "tls:$C/ca.pem" "<=220 smtp.lab.test ESMTP sendfix fake server" "$EHLO" \
	    "<250-AUTH PLAIN LOGIN" "-STARTTLS" ">QUIT" "<221 "
	check "a plaintext greeting where TLS is expected" plain-on-465 \
	    "--implicit-tls --tls-cert $C/server-chain.pem" \
	    "<=220 smtp.lab.test ESMTP sendfix fake server"
	check "a chain re-signed by an antivirus root" healthy \
	    "--implicit-tls --tls-cert $C/avast-chain.pem" \
	    "tls:$C/avast-root.pem" "issuer:Avast Web/Mail Shield Root" \
	    "issuer:generated by Avast Antivirus for SSL/TLS scanning" "<220 "
	check "the antivirus chain fails against the lab CA" healthy \
	    "--implicit-tls --tls-cert $C/avast-chain.pem" \
	    "tlsfail:$C/ca.pem:self-signed certificate in certificate chain"
	check "an expired certificate" healthy "--implicit-tls --tls-cert $C/expired-chain.pem" \
	    "tlsfail:$C/ca.pem:expired"
	check "a self-signed certificate" healthy \
	    "--implicit-tls --tls-cert $C/self-signed-chain.pem" \
	    "tlsfail:$C/ca.pem:self-signed certificate"
else
	echo "SKIP: the TLS cases need certtool (gnutls-bin)"
fi

# ---- lifetime ---------------------------------------------------------------------------
start 127.0.0.1 healthy --once 2
for k in 1 2; do
	python3 "$TMP/client.py" 127.0.0.1 "$PORT" "<220 " ">QUIT" "<221 " "eof" \
	    >"$TMP/client.once.$k" 2>&1 || fail "--once 2, connection $k: $(cat "$TMP/client.once.$k")"
done
stopped
pass "--once 2 serves two connections and exits"

start 127.0.0.1 healthy
python3 "$TMP/client.py" 127.0.0.1 "$PORT" "<220 " >/dev/null 2>&1 || fail "no greeting"
kill -TERM "$PID"
stopped
pass "SIGTERM stops a server that has no --once"

if python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' \
    2>/dev/null; then
	HOST=::1 check "IPv6: ::1" healthy "" "<=220 smtp.lab.test ESMTP sendfix fake server" \
	    "$EHLO" "<250-STARTTLS" ">QUIT" "<221 "
else
	echo "SKIP: no IPv6 loopback here"
fi
exit 0
