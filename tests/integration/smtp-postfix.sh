#!/bin/sh
# The smtp probe against a real Postfix with Cyrus SASL (postfix.sh): the healthy path on
# 587 (STARTTLS) and 465 (SSL/TLS) exits 0 with no cause; a wrong password, a mail program
# that does not switch on STARTTLS, the wrong encryption for the port, a login switched off,
# and bad certificates each end in their cause. The password never appears in a report.
. "$TESTDIR/integration/lib.sh"
. "$TESTDIR/integration/postfix.sh"
command -v postfix >/dev/null 2>&1 || skip "Postfix is not installed (postfix sasl2-bin libsasl2-modules)"
lab_up
lab_dns
lab_reference
lab_postfix

good="$LAB_TMP/good.pw"
bad="$LAB_TMP/bad.pw"
(umask 077; printf '%s\n' "$LAB_PF_PASS" >"$good"; printf 'Tr0ub4dor&3-canary\n' >"$bad")

# check NAME ARGS...: a batch run against smtp.lab.test trusting the lab CA.
check() {
	r="$LAB_TMP/$1.json"
	shift
	sendfix_batch "$r" --cafile "$LAB_CA" --answer smtp.host=smtp.lab.test \
	    --answer email="$LAB_PF_USER" "$@"
	# Row 1 of hostile-cases.md, in small: neither password, in any file the run wrote.
	for f in "$r" "$r.stderr"; do
		if grep -q -e "$LAB_PF_PASS" -e "canary" -e "$(printf '\0%s\0%s' "$LAB_PF_USER" "$LAB_PF_PASS" | base64)" "$f"; then
			fail "a password reached $f"
		fi
	done
}
last_node() { jq -r '.path[-1]' "$r"; }

# 1. Healthy, 587 with STARTTLS: the whole path works, exit 0, no cause.
check healthy587 --answer smtp.port=587 --answer smtp.security=starttls \
    --answer smtp.user="$LAB_PF_USER" --answer smtp.password-file="$good"
status_is 0
json_is "$r" '.causes | length' 0
json_is "$r" '.path[-1]' server-works
json_is "$r" '.probes[] | select(.name == "smtp") | .outcome' works
json_is "$r" '.probes[] | select(.name == "smtp") | .facts.login' accepted
jq -r '.probes[] | select(.name == "smtp") | .transcript[]' "$r" >"$LAB_TMP/t587"
grep -q '^C: STARTTLS' "$LAB_TMP/t587" || fail "no STARTTLS in the transcript"
# Whichever mechanism was chosen, what carries the credentials shows as a placeholder.
grep -q '^C: AUTH ' "$LAB_TMP/t587" || fail "no AUTH in the transcript"
grep -q '^C: .*<authentication data hidden>' "$LAB_TMP/t587" ||
	fail "the AUTH data is not redacted: $(grep -A2 'C: AUTH' "$LAB_TMP/t587")"
grep -q "^C: MAIL FROM:<$LAB_PF_USER>" "$LAB_TMP/t587" || fail "no MAIL FROM"
grep -q "^C: RCPT TO:<$LAB_PF_USER>" "$LAB_TMP/t587" || fail "no RCPT TO"
grep -q '^C: DATA' "$LAB_TMP/t587" && fail "DATA was sent"
grep -qi '^C: EHLO localhost' "$LAB_TMP/t587" && fail "EHLO localhost"

# 2. Healthy, 465 with SSL/TLS.
check healthy465 --answer smtp.port=465 --answer smtp.security=tls \
    --answer smtp.user="$LAB_PF_USER" --answer smtp.password-file="$good"
status_is 0
json_is "$r" '.path[-1]' server-works

# 3. A wrong password: auth.credentials-rejected, with the server's words.
check wrongpw --answer smtp.port=587 --answer smtp.security=starttls \
    --answer smtp.user="$LAB_PF_USER" --answer smtp.password-file="$bad"
status_is 1
json_is "$r" '.causes[0].id' auth.credentials-rejected
jq -r '.causes[0].evidence[]' "$r" | grep -q '535 5.7.8' ||
	fail "the evidence does not quote the server's 535 5.7.8"

# 4. The mail program does not switch on STARTTLS on 587: settings.starttls-required.
check nostarttls --answer smtp.port=587 --answer smtp.security=none \
    --answer smtp.user="$LAB_PF_USER" --answer smtp.password-file="$good"
status_is 1
json_is "$r" '.causes[0].id' settings.starttls-required
jq -r '.probes[] | select(.name == "smtp") | .transcript[]' "$r" | grep -q '^C: AUTH' &&
	fail "a login was sent without encryption"

# 5. SSL/TLS set on the STARTTLS port: settings.tls-mismatch, naming STARTTLS.
check tlson587 --answer smtp.port=587 --answer smtp.security=tls \
    --answer smtp.user="$LAB_PF_USER" --answer smtp.password-file="$good"
status_is 1
json_is "$r" '.causes[0].id' settings.tls-mismatch
jq -r '.causes[0].fix[]' "$r" | grep -q 'STARTTLS' || fail "the fix does not name STARTTLS"

# 6. STARTTLS set on the SSL/TLS port 465: the same cause, naming SSL/TLS.
check starttlson465 --answer smtp.port=465 --answer smtp.security=starttls \
    --answer smtp.user="$LAB_PF_USER" --answer smtp.password-file="$good"
status_is 1
json_is "$r" '.causes[0].id' settings.tls-mismatch
jq -r '.causes[0].fix[]' "$r" | grep -q 'SSL/TLS' || fail "the fix does not name SSL/TLS"

# 7. No login set up in the mail program: the server will not relay. settings.auth-required.
check nologin --answer smtp.port=587 --answer smtp.security=starttls
status_is 1
json_is "$r" '.causes[0].id' settings.auth-required

# 8. An expired certificate: tls.certificate-invalid, and no password was sent.
lab_postfix_stop
lab_postfix --cert expired
check expired --answer smtp.port=587 --answer smtp.security=starttls \
    --answer smtp.user="$LAB_PF_USER" --answer smtp.password-file="$good"
status_is 1
json_is "$r" '.causes[0].id' tls.certificate-invalid
jq -r '.probes[] | select(.name == "smtp") | .transcript[]' "$r" | grep -q '^C: AUTH' &&
	fail "a login was sent to a server whose certificate failed"

# 9. A certificate for another name.
lab_postfix_stop
lab_postfix --cert wrong-name
check wrongname --answer smtp.port=465 --answer smtp.security=tls \
    --answer smtp.user="$LAB_PF_USER" --answer smtp.password-file="$good"
status_is 1
json_is "$r" '.causes[0].id' tls.certificate-invalid

# 10. A server without encryption: no password goes out without the user's consent; with
# it (asked once, here pre-answered), the login is tested.
lab_postfix_stop
lab_postfix --no-starttls
check plainnoconsent --answer smtp.port=587 --answer smtp.security=none \
    --answer smtp.user="$LAB_PF_USER" --answer smtp.password-file="$good"
status_is 3
json_is "$r" '.path[-1]' no-encryption
jq -r '.probes[] | select(.name == "smtp") | .transcript[]' "$r" | grep -q '^C: AUTH' &&
	fail "a password was sent unencrypted without consent"
check plainconsent --answer smtp.port=587 --answer smtp.security=none \
    --answer smtp.user="$LAB_PF_USER" --answer smtp.password-file="$good" \
    --answer smtp.allow-plaintext=yes
status_is 0
json_is "$r" '.path[-1]' server-works
json_is "$r" '.probes[] | select(.name == "smtp") | .facts.login' accepted

# 11. STARTTLS asked for on a 587 that offers none, while 465 works: the matrix finds the
# way through and the fix names it.
check matrix587 --answer smtp.port=587 --answer smtp.security=starttls \
    --answer smtp.user="$LAB_PF_USER" --answer smtp.password-file="$good"
status_is 1
json_is "$r" '.probes[] | select(.name == "smtp") | .outcome' starttls-unavailable
json_is "$r" '.causes[0].id' settings.wrong-port
json_is "$r" '.probes[] | select(.node == "find-working") | .facts.working' "smtp.lab.test 465 tls"
jq -r '.causes[0].fix[]' "$r" | tr '\n' ' ' | grep -q 'port field, enter 465\..*encryption to SSL/TLS' ||
	fail "the fix does not name 465 with SSL/TLS: $(jq -r '.causes[0].fix[]' "$r")"

pass "Postfix: healthy 587 and 465 exit 0; wrong password, no STARTTLS, TLS mismatch both ways, no login, expired and wrong-name certificates diagnosed; no unencrypted login without consent; the way through found when STARTTLS is missing; no password in any report"
