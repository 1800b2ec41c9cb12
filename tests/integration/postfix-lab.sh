#!/bin/sh
# The Postfix lab (postfix.sh) works: a real Postfix with Cyrus SASL answers as
# smtp.lab.test the way the SMTP, TLS and AUTH probes' tests expect, checked from the client
# namespace with Python's smtplib and ssl (not with sendfix), then restarted with other
# options, and stopped without leaving a process behind.
. "$TESTDIR/integration/lib.sh"
. "$TESTDIR/integration/postfix.sh"
command -v postfix >/dev/null 2>&1 || skip "Postfix is not installed (postfix sasl2-bin libsasl2-modules)"
lab_up
lab_dns

# client_check MODE: the Python below, run in the client namespace.
client_check() {
	in_client /usr/bin/python3 - "$1" "$LAB_CA" "$LAB_PF_USER" "$LAB_PF_PASS" <<'EOF' ||
import base64, smtplib, socket, ssl, sys

mode, ca, user, password = sys.argv[1:5]
failed = []

def check(name, ok, seen):
    print("%s %s: %s" % ("ok  " if ok else "FAIL", name, seen))
    if not ok:
        failed.append(name)

def ctx():
    c = ssl.create_default_context(cafile=ca)  # chain and name both checked
    return c

def smtp(host, port):
    # local_hostname: no getfqdn(), so nothing is looked up anywhere.
    return smtplib.SMTP(host, port, local_hostname="client.lab.test", timeout=5)

def text(r):
    return "%d %s" % (r[0], r[1].decode().replace("\n", " / "))

def plain(u, p):
    return base64.b64encode(("\0%s\0%s" % (u, p)).encode()).decode()

def tls_error(host, port, name, starttls):
    """The certificate verification error for NAME, or None when it verifies."""
    try:
        if starttls:
            s = smtp(host, port)
            s.ehlo()
            s._host = name  # the name smtplib verifies the certificate against
            s.starttls(context=ctx())
            s.quit()
        else:
            raw = socket.create_connection((host, port), timeout=5)
            ctx().wrap_socket(raw, server_hostname=name).close()
        return None
    except ssl.SSLCertVerificationError as e:
        return e.verify_message

hosts = ("192.0.2.10", "2001:db8::10")

if mode == "default":
    for h in hosts:
        # 587: STARTTLS first, then AUTH.
        s = smtp(h, 587)
        check("%s:587 greeting" % h, True, "")
        s.ehlo()
        check("%s:587 EHLO offers STARTTLS" % h, s.has_extn("starttls"), " ".join(sorted(s.esmtp_features)))
        r = s.docmd("AUTH", "PLAIN " + plain(user, password))
        check("%s:587 AUTH before STARTTLS" % h,
              text(r) == "530 5.7.0 Must issue a STARTTLS command first", text(r))
        r = s.starttls(context=ctx())
        check("%s:587 STARTTLS" % h, r[0] == 220, text(r))
        check("%s:587 TLS version" % h, True, s.sock.version())
        s.ehlo()
        mechs = s.esmtp_features.get("auth", "").split()
        check("%s:587 AUTH after STARTTLS" % h, mechs == ["PLAIN", "LOGIN", "CRAM-MD5"], " ".join(mechs))
        r = s.docmd("AUTH", "PLAIN " + plain(user, password))
        check("%s:587 AUTH PLAIN, right password" % h, r[0] == 235, text(r))
        # Authenticated: relaying is allowed, and the message is discarded.
        r = s.mail("anna@lab.test")
        check("%s:587 MAIL FROM" % h, r[0] == 250, text(r))
        r = s.rcpt("friend@example.net")
        check("%s:587 RCPT to another domain after AUTH" % h, r[0] == 250, text(r))
        r = s.data(b"Subject: sendfix lab\r\n\r\nThrown away.\r\n")
        check("%s:587 DATA" % h, r[0] == 250, text(r))
        s.quit()

        s = smtp(h, 587)
        s.starttls(context=ctx())
        s.ehlo()
        r = s.docmd("AUTH", "PLAIN " + plain(user, "wrong horse"))
        check("%s:587 AUTH PLAIN, wrong password" % h,
              text(r).startswith("535 5.7.8 Error: authentication failed"), text(r))
        s.close()

        for mech in ("LOGIN", "CRAM-MD5"):
            s = smtp(h, 587)
            s.starttls(context=ctx())
            s.ehlo()
            s.user, s.password = user, password
            obj = s.auth_login if mech == "LOGIN" else s.auth_cram_md5
            try:
                r = s.auth(mech, obj, initial_response_ok=False)
            except smtplib.SMTPAuthenticationError as e:
                r = (e.smtp_code, e.smtp_error)
            check("%s:587 AUTH %s, right password" % (h, mech), r[0] == 235, text(r))
            s.quit()

        # 465: TLS from the first byte; a plaintext client hears nothing.
        raw = socket.create_connection((h, 465), timeout=5)
        tls = ctx().wrap_socket(raw, server_hostname="smtp.lab.test")
        banner = tls.recv(512).decode()
        check("%s:465 TLS at once, then the greeting" % h, banner.startswith("220 smtp.lab.test"),
              "%s, %s" % (tls.version(), banner.strip()))
        tls.close()
        raw = socket.create_connection((h, 465), timeout=5)
        raw.settimeout(0.5)
        try:
            got = raw.recv(512)
            seen = "sent %r" % got
        except socket.timeout:
            got, seen = b"", "silent for 0.5 s (waits for a ClientHello)"
        check("%s:465 no plaintext greeting" % h, got == b"", seen)
        raw.close()
        s = smtplib.SMTP_SSL(h, 465, local_hostname="client.lab.test", timeout=5, context=ctx())
        s.ehlo()
        mechs = s.esmtp_features.get("auth", "").split()
        check("%s:465 AUTH offered" % h, mechs == ["PLAIN", "LOGIN", "CRAM-MD5"], " ".join(mechs))
        r = s.docmd("AUTH", "PLAIN " + plain(user, password))
        check("%s:465 AUTH PLAIN, right password" % h, r[0] == 235, text(r))
        s.quit()

        # 25: no AUTH, Postfix's default relay rules.
        s = smtp(h, 25)
        s.ehlo()
        check("%s:25 no AUTH on 25" % h, not s.has_extn("auth"), " ".join(sorted(s.esmtp_features)))
        r = s.mail("someone@example.org")
        check("%s:25 MAIL FROM" % h, r[0] == 250, text(r))
        r = s.rcpt("friend@example.net")
        check("%s:25 RCPT to another domain" % h,
              text(r) == "554 5.7.1 <friend@example.net>: Relay access denied", text(r))
        r = s.rcpt("anna@lab.test")
        check("%s:25 RCPT to lab.test" % h, r[0] == 250, text(r))
        s.quit()

    # The certificate: the lab CA vouches for smtp.lab.test and the address, nothing else.
    for name, port, starttls in (("smtp.lab.test", 587, True), ("smtp.lab.test", 465, False),
                                 ("192.0.2.10", 465, False)):
        e = tls_error("192.0.2.10", port, name, starttls)
        check("certificate verifies for %s on %d" % (name, port), e is None, e or "verified")
    e = tls_error("192.0.2.10", 465, "mail.other.test", False)
    check("certificate refused for mail.other.test", e is not None and "mismatch" in e, str(e))

elif mode == "plain-expired":
    # --no-starttls --mech "PLAIN LOGIN" --cert expired
    for h in hosts:
        s = smtp(h, 587)
        s.ehlo()
        check("%s:587 no STARTTLS" % h, not s.has_extn("starttls"), " ".join(sorted(s.esmtp_features)))
        mechs = s.esmtp_features.get("auth", "").split()
        check("%s:587 AUTH in plaintext" % h, mechs == ["PLAIN", "LOGIN"], " ".join(mechs))
        r = s.docmd("AUTH", "PLAIN " + plain(user, password))
        check("%s:587 AUTH PLAIN without TLS" % h, r[0] == 235, text(r))
        s.quit()
    e = tls_error("192.0.2.10", 465, "smtp.lab.test", False)
    check("expired certificate refused", e is not None and "expired" in e, str(e))

elif mode == "wrong-name":
    # --cert wrong-name --ports 587
    e = tls_error("192.0.2.10", 587, "smtp.lab.test", True)
    check("wrong-name certificate refused", e is not None and "mismatch" in e, str(e))
    for port in (25, 465):
        try:
            socket.create_connection(("192.0.2.10", port), timeout=2).close()
            seen = "connected"
        except ConnectionRefusedError:
            seen = "refused"
        check("port %d not listening" % port, seen == "refused", seen)

sys.exit(1 if failed else 0)
EOF
		fail "the lab did not answer as expected ($1); Postfix log:
$(cat "$LAB_PF_LOG")"
}

# no_postfix_left: after lab_postfix_stop nothing of Postfix runs in the lab.
no_postfix_left() {
	local p left=""
	for p in $(ip netns pids "$LAB_N"); do
		case $(cat "/proc/$p/comm" 2>/dev/null) in
		dnsmasq) ;;
		*) left="$left $p:$(cat "/proc/$p/comm" 2>/dev/null)" ;;
		esac
	done
	[ -z "$left" ] || fail "still running in the lab after lab_postfix_stop:$left"
	in_net ss -Hltn | grep -q '192.0.2.10:' && fail "something still listens on 192.0.2.10"
	return 0
}

ms() { echo $(($(date +%s%N) / 1000000)); }

t0=$(ms)
lab_postfix
pass "lab_postfix started in $(($(ms) - t0)) ms (master pid $LAB_PF_MASTER)"
client_check default
grep -q 'discard.*status=sent' "$LAB_PF_LOG" || fail "the message was not discarded: $(cat "$LAB_PF_LOG")"
pass "587 STARTTLS+AUTH (PLAIN, LOGIN, CRAM-MD5; 535 and 530), 465 implicit TLS, 25 relay denied, certificate, IPv4 and IPv6"

master=$LAB_PF_MASTER
lab_postfix_stop
kill -0 "$master" 2>/dev/null && fail "Postfix's master ($master) outlived lab_postfix_stop"
no_postfix_left

t0=$(ms)
lab_postfix --no-starttls --mech "PLAIN LOGIN" --cert expired
pass "restarted with --no-starttls --mech 'PLAIN LOGIN' --cert expired in $(($(ms) - t0)) ms"
client_check plain-expired
lab_postfix_stop
no_postfix_left

# shellcheck disable=SC2016 # $myhostname is Postfix's, not the shell's
lab_postfix --cert wrong-name --ports 587 --set 'smtpd_banner=$myhostname ESMTP lab'
client_check wrong-name
# The last one is left running on purpose: the EXIT trap must stop it.
pass "the Postfix lab answers as the probes' tests expect"
