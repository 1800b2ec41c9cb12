#!/bin/sh
# sendfix probe smtp against the Postfix lab (postfix.sh): the dialogue, the capabilities
# before and after TLS, the certificate chain, the verdict and the exit status of
# interface.md, for a healthy 587 and 465, a wrong password (which never appears in the
# output), an expired certificate (no login attempted), a closed port, a port that waits
# for TLS, and usage errors. sendfix runs in the client namespace only.
. "$TESTDIR/integration/lib.sh"
. "$TESTDIR/integration/postfix.sh"
command -v postfix >/dev/null 2>&1 || skip "Postfix is not installed (postfix sasl2-bin libsasl2-modules)"
lab_up
lab_dns

out="$LAB_TMP/probe.out"
BAD_PASS="wrong horse battery staple"

# probe ARGS...: sendfix probe smtp ARGS in the client namespace against the lab; standard
# output in $out, standard error in $out.stderr, the exit status in $SENDFIX_STATUS. The
# lab options come after the host on purpose: options may follow it.
probe() {
	in_client "$SENDFIX" probe smtp "$@" --resolver 192.0.2.53 --timeout "$LAB_TIMEOUT" \
	    --cafile "$LAB_CA" >"$out" 2>"$out.stderr"
	SENDFIX_STATUS=$?
}

# has TEXT / has_not TEXT: a fixed string is (not) in the output.
has() {
	grep -qF -- "$1" "$out" || fail "\"$1\" is not in the output:
$(cat "$out" "$out.stderr")"
}
has_not() {
	grep -qF -- "$1" "$out" "$out.stderr" && fail "\"$1\" is in the output:
$(cat "$out" "$out.stderr")"
	return 0
}
status_is_out() {
	[ "$SENDFIX_STATUS" = "$1" ] || fail "exit status $SENDFIX_STATUS, expected $1:
$(cat "$out" "$out.stderr")"
}
# section_has TITLE TEXT: TEXT is in the section that starts with the line TITLE.
section_has() {
	awk -v t="$1" '$0 == t { on = 1; next } /^[^ ]/ { on = 0 } on' "$out" | grep -qF -- "$2" ||
		fail "\"$2\" is not under \"$1\":
$(cat "$out")"
}

# ---- usage errors (no server needed) -------------------------------------------------
expect_usage() {
	needle=$1
	shift
	in_client "$SENDFIX" probe "$@" >"$out" 2>"$out.stderr"
	st=$?
	[ "$st" = 2 ] || fail "sendfix probe $* exited $st, expected 2"
	grep -qF -- "$needle" "$out.stderr" || fail "sendfix probe $*: \"$needle\" not in:
$(cat "$out.stderr")"
	pass "usage error: probe $*"
}
expect_usage '--password-file' smtp smtp.lab.test --user "$LAB_PF_USER"
expect_usage 'needs --user' smtp smtp.lab.test --password-file /dev/null
expect_usage 'needs the outgoing server' smtp --port 587
expect_usage '--security must be' smtp smtp.lab.test --security ssl
expect_usage '--port must be' smtp smtp.lab.test --port 70000
expect_usage 'unknown probe "imap"' imap smtp.lab.test
expect_usage 'smtp' nosuch
expect_usage 'needs the name of a probe'
expect_usage 'use --password-file' smtp smtp.lab.test --user x --password s3cr3t-on-argv
grep -qF 's3cr3t-on-argv' "$out.stderr" && fail "the password given on the command line was repeated"
in_client "$SENDFIX" probe smtp --help | grep -qF -- '--password-file' || fail "probe smtp --help"
pass "usage errors exit 2 and say why; --help"

lab_postfix
printf '%s\n' "$LAB_PF_PASS" >"$LAB_TMP/pw"
printf '%s\n' "$BAD_PASS" >"$LAB_TMP/bad-pw"
chmod 600 "$LAB_TMP/pw" "$LAB_TMP/bad-pw"
plain_b64=$(printf '\0%s\0%s' "$LAB_PF_USER" "$LAB_PF_PASS" | base64)

# ---- 587, STARTTLS, login and envelope: everything works -----------------------------
probe smtp.lab.test --port 587 --user "$LAB_PF_USER" --password-file "$LAB_TMP/pw" \
    --from "$LAB_PF_USER"
status_is_out 0
head -n 1 "$out" | grep -qE '^Dialogue with smtp\.lab\.test \((192\.0\.2\.10|2001:db8::10)\) port 587, security starttls:$' ||
	fail "first line: $(head -n 1 "$out")"
has "  S: 220 smtp.lab.test ESMTP Postfix (sendfix lab)"
has "  C: STARTTLS"
has "  C: AUTH "
has "<authentication data hidden>"
has "  C: MAIL FROM:<$LAB_PF_USER>"
has "  C: RCPT TO:<$LAB_PF_USER>"
has "  C: RSET"
has_not "C: DATA"
has_not "$LAB_PF_PASS"
has_not "$plain_b64"
section_has "Capabilities before TLS:" "STARTTLS"
section_has "Capabilities after TLS:" "AUTH PLAIN LOGIN CRAM-MD5"
awk '/^Capabilities after TLS:/ { on = 1; next } /^[^ ]/ { on = 0 } on' "$out" |
	grep -q '^  STARTTLS$' && fail "STARTTLS still offered after TLS?"
section_has "TLS:" "Protocol: TLS1."
section_has "TLS:" "Subject: "
section_has "TLS:" "Names: smtp.lab.test"
section_has "Timings:" "total"
grep -qE '^       SHA-256: ([0-9A-F]{2}:){31}[0-9A-F]{2}$' "$out" || fail "no SHA-256 fingerprint:
$(cat "$out")"
if command -v openssl >/dev/null 2>&1; then
	want=$(openssl x509 -in "$LAB_CERTS/server.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
	has "SHA-256: $want"
fi
has "Verdict: OK — the whole path works with these settings"
# The sections come in the order of the interface.
order=$(grep -nE '^(Dialogue with|Capabilities before TLS:|Capabilities after TLS:|TLS:|Timings:|Verdict:)' "$out" |
	cut -d: -f2 | cut -c1-12 | tr '\n' '|')
[ "$order" = "Dialogue wit|Capabilities|Capabilities|TLS|Timings|Verdict|" ] ||
	fail "sections out of order: $order"
pass "587 STARTTLS + AUTH + envelope: exit 0, caps before and after TLS, chain with SHA-256, OK"

# The same as JSON.
probe smtp.lab.test --user "$LAB_PF_USER" --password-file "$LAB_TMP/pw" --format json
status_is_out 0
jq -e . "$out" >/dev/null 2>&1 || fail "not JSON: $(cat "$out")"
json_is "$out" .verdict ok
json_is "$out" .port 587
json_is "$out" .security starttls
json_is "$out" '.caps_after | index("STARTTLS")' null
json_is "$out" '.tls.chain[0].sha256 | test("^([0-9A-F]{2}:){31}[0-9A-F]{2}$")' true
json_is "$out" '.transcript | map(select(startswith("C: AUTH"))) | length' 1
has_not "$LAB_PF_PASS"
pass "--format json"

# ---- 465: implicit TLS, chosen by the port ----------------------------------------------
probe smtp.lab.test --port 465 --user "$LAB_PF_USER" --password-file "$LAB_TMP/pw"
status_is_out 0
head -n 1 "$out" | grep -qF 'port 465, security tls:' || fail "first line: $(head -n 1 "$out")"
section_has "Capabilities before TLS:" "none (implicit TLS"
section_has "Capabilities after TLS:" "AUTH PLAIN LOGIN CRAM-MD5"
has "Verdict: OK — "
has_not "$LAB_PF_PASS"
pass "465 implicit TLS + AUTH: exit 0"

# ---- a wrong password ---------------------------------------------------------------------
probe smtp.lab.test --user "$LAB_PF_USER" --password-file "$LAB_TMP/bad-pw" --from "$LAB_PF_USER"
status_is_out 1
has "Verdict: auth.credentials-rejected — "
has "The server said: 535 5.7.8 "
has_not "$BAD_PASS"
has_not "$LAB_PF_PASS"
has_not "C: MAIL FROM"
pass "wrong password: exit 1, auth.credentials-rejected, the server's 535 quoted, no password"

# ---- nothing listens: the wrong port; 465 spoken to as STARTTLS --------------------------
probe smtp.lab.test --port 2525
status_is_out 1
has "Verdict: settings.wrong-port — "
has "no dialogue"
pass "a closed port: settings.wrong-port"

probe smtp.lab.test --port 465 --security starttls
status_is_out 1
has "Verdict: settings.tls-mismatch — "
pass "465 with STARTTLS: the greeting never comes, settings.tls-mismatch"

probe smtp.lab.test --port 587 --security tls
status_is_out 1
has "Verdict: settings.tls-mismatch — "
pass "587 with SSL/TLS: plain text answers the handshake, settings.tls-mismatch"

probe nosuch.lab.test
status_is_out 3
has "Verdict: inconclusive — "
pass "a name without an address: inconclusive (exit 3)"

# ---- an expired certificate: nothing private is sent ---------------------------------------
lab_postfix_stop
lab_postfix --cert expired
probe smtp.lab.test --user "$LAB_PF_USER" --password-file "$LAB_TMP/pw" --from "$LAB_PF_USER"
status_is_out 1
has "Verdict: tls.certificate-invalid — "
has "  C: STARTTLS"
has_not "C: AUTH"
has_not "C: MAIL FROM"
has_not "$LAB_PF_PASS"
section_has "TLS:" "(expired)"
pass "expired certificate: exit 1, tls.certificate-invalid, no AUTH in the transcript"
