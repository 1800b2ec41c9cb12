#!/bin/sh
# The smtp-matrix probe against a real Postfix (postfix.sh), driven through a small tree of
# its own (tests/data/smtp-matrix.tree: resolve, then smtp-matrix, one conclusion per
# outcome): 587 and 465 up with the user on 587 works as set; port 25 dropped towards every
# host with the user on 25 is the ISP's block, and 587 is what works; only 465 up with the
# user on 587 says use 465 with SSL/TLS; SSL/TLS set on 587 says switch to STARTTLS; nothing
# up says nothing works. The whole table costs about one timeout, not one per cell.
. "$TESTDIR/integration/lib.sh"
. "$TESTDIR/integration/postfix.sh"
command -v postfix >/dev/null 2>&1 || skip "Postfix is not installed (postfix sasl2-bin libsasl2-modules)"
TREE="$TESTDIR/data/smtp-matrix.tree"
lab_up
lab_dns
lab_reference

in_client "$SENDFIX" --check-tree "$TREE" >/dev/null || fail "$TREE does not pass --check-tree"

# matrix NAME PORT SECURITY: a batch run of the test tree for smtp.lab.test.
matrix() {
	r="$LAB_TMP/$1.json"
	sendfix_batch "$r" --tree "$TREE" --cafile "$LAB_CA" --answer smtp.host=smtp.lab.test \
	    --answer smtp.port="$2" --answer smtp.security="$3"
}
# fact KEY: one of the matrix probe's facts in the last report.
fact() {
	jq -r --arg k "$1" '.probes[] | select(.name == "smtp-matrix") | .facts[$k] // "(none)"' "$r"
}
fact_is() {
	got=$(fact "$1")
	[ "$got" = "$2" ] || fail "fact $1 is \"$got\", expected \"$2\"
$(jq '.probes[] | select(.name == "smtp-matrix")' "$r")"
}

# 1. Postfix on 587 (STARTTLS) and 465 (SSL/TLS); the user on 587 with STARTTLS.
lab_postfix --ports "587 465"
matrix works 587 starttls
status_is 0
json_is "$r" '.path[-1]' user-works
json_is "$r" '.probes[] | select(.name == "smtp-matrix") | .outcome' user-works
fact_is cell.smtp.lab.test.587 works
fact_is cell.smtp.lab.test.465 works
fact_is cell.smtp.lab.test.25 refused
fact_is cell.smtp.lab.test.2525 refused
fact_is cell.ref.lab.test.25 open
fact_is working "smtp.lab.test 587 starttls"
fact_is working-security-words STARTTLS
fact_is working-verified yes
fact_is user-cell works
# The table: one evidence line per server, the user's own marked.
jq -r '.probes[] | select(.name == "smtp-matrix") | .evidence[]' "$r" |
	grep -q '^smtp.lab.test (your server): 25 refused, 465 works (SSL/TLS), 587 works (STARTTLS), 2525 refused$' ||
	fail "no table line for smtp.lab.test: $(jq -r '.probes[] | select(.name == "smtp-matrix") | .evidence[]' "$r")"
jq -r '.probes[] | select(.name == "smtp-matrix") | .transcript[]' "$r" | grep -q '^C: STARTTLS' ||
	fail "the user's cell's transcript shows no STARTTLS"
jq -r '.probes[] | select(.name == "smtp-matrix") | .transcript[]' "$r" | grep -q '^C: AUTH\|^C: MAIL' &&
	fail "the matrix logged in or named a sender"
pass "587 and 465 up, user on 587 STARTTLS: user-works"

# 2. SSL/TLS set on 587: the port works with the other mode.
matrix mode 587 tls
status_is 1
json_is "$r" '.path[-1]' use-other-mode
json_is "$r" '.causes[0].id' settings.tls-mismatch
fact_is working "smtp.lab.test 587 starttls"
pass "SSL/TLS set on 587: use-other-mode, STARTTLS"

# 3. Port 25 dropped towards every host (the reference host too), the user on 25.
lab_postfix_stop
lab_postfix
in_net iptables -I INPUT -p tcp --dport 25 -j DROP
in_net ip6tables -I INPUT -p tcp --dport 25 -j DROP
start=$(date +%s%N)
matrix blocked25 25 starttls
wall=$(( ($(date +%s%N) - start) / 1000000 ))
status_is 1
json_is "$r" '.path[-1]' isp-blocks-25
json_is "$r" '.causes[0].id' port.isp-blocks-25
fact_is cell.smtp.lab.test.25 silent
fact_is cell.ref.lab.test.25 silent
fact_is cell.smtp.lab.test.587 works
fact_is cell.smtp.lab.test.465 works
fact_is working "smtp.lab.test 587 starttls"
fact_is working-port 587
fact_is working-security starttls
fact_is pattern "465 and 587 work; 25 is silent towards every host; 2525 is refused: your network blocks port 25, which is fine: use port 587 with STARTTLS"
# Four silent addresses on 25 (two hosts, IPv4 and IPv6) at once: one timeout in all.
elapsed=$(fact elapsed-ms)
# The margin is work, not waiting: LAB_SLOW scales it under valgrind (still under two timeouts).
limit=$((LAB_TIMEOUT * 1000 + 1500 * LAB_SLOW))
[ "$elapsed" -lt "$limit" ] ||
	fail "the matrix took $elapsed ms with 25 dropped; one timeout is $((LAB_TIMEOUT * 1000)) ms"
[ "$elapsed" -ge $((LAB_TIMEOUT * 1000)) ] ||
	fail "the matrix took $elapsed ms: it cannot have waited for the dropped port"
echo "matrix with 25 dropped: $elapsed ms in the probe, $wall ms in all (timeout ${LAB_TIMEOUT} s)"
in_net iptables -D INPUT -p tcp --dport 25 -j DROP
in_net ip6tables -D INPUT -p tcp --dport 25 -j DROP
pass "25 dropped everywhere, user on 25: isp-blocks-25, use 587 STARTTLS, in $elapsed ms"

# 4. Only 465 listens; the user on 587 with STARTTLS.
lab_postfix_stop
lab_postfix --ports 465
matrix only465 587 starttls
status_is 1
json_is "$r" '.path[-1]' use-other-port
json_is "$r" '.causes[0].id' settings.wrong-port
fact_is cell.smtp.lab.test.587 refused
fact_is cell.smtp.lab.test.465 works
fact_is working "smtp.lab.test 465 tls"
fact_is working-security-words SSL/TLS
jq -r '.causes[0].fix[]' "$r" | grep -q 'port to 465 and the encryption to SSL/TLS' ||
	fail "the fix does not name 465 with SSL/TLS: $(jq -r '.causes[0].fix[]' "$r")"
pass "only 465 up, user on 587: use-other-port, 465 SSL/TLS"

# 5. The modes swapped on the server: TLS from the first byte on 587, STARTTLS on 465. The
# user on 587 with STARTTLS hears no greeting; the user's own port is tried again with
# SSL/TLS (one more timeout, for that cell only), 465 again with STARTTLS (no wait).
lab_postfix_stop
lab_postfix --ports "587 465" --service-set 587/smtpd_tls_wrappermode=yes \
    --service-set 465/smtpd_tls_wrappermode=no
matrix swapped 587 starttls
status_is 1
json_is "$r" '.path[-1]' use-other-mode
fact_is working "smtp.lab.test 587 tls"
fact_is cell.smtp.lab.test.465 works
jq -r '.probes[] | select(.name == "smtp-matrix") | .evidence[]' "$r" |
	grep -q '^smtp.lab.test (your server): 25 refused, 465 works (STARTTLS), 587 works (SSL/TLS), 2525 refused$' ||
	fail "no table line for the swapped modes: $(jq -r '.probes[] | select(.name == "smtp-matrix") | .evidence[]' "$r")"
elapsed=$(fact elapsed-ms)
[ "$elapsed" -lt $((2 * LAB_TIMEOUT * 1000 + 1500)) ] ||
	fail "the matrix took $elapsed ms with one silent greeting; the timeout is $LAB_TIMEOUT s"
pass "SSL/TLS on 587, STARTTLS on 465, user on 587 STARTTLS: use-other-mode, 587 SSL/TLS, in $elapsed ms"

# 6. No server at all: nothing works (the reference host still answers).
lab_postfix_stop
matrix nothing 587 starttls
status_is 3
json_is "$r" '.path[-1]' nothing-works
fact_is working ""
fact_is cell.ref.lab.test.587 open
pass "no server: nothing-works"
