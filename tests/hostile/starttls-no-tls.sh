#!/bin/sh
# hostile-cases rows 37 and 13: a server that answers STARTTLS with 220 and then goes on in
# plain text instead of a ServerHello (fake-smtp.py starttls-no-tls: it reads what the client
# sends after the 220 and answers it as a bad command).
#
# Row 37: "the server did not start TLS", not the words for a port that expects TLS first
# (that is the mistake on 465, row 38); no login, nothing private sent.
# Row 13: nothing goes out after "STARTTLS\r\n" but the handshake: the first bytes the server
# reads after its 220 are a TLS record (the fake logs whether they are).
. "$TESTDIR/integration/lib.sh"
command -v certtool >/dev/null 2>&1 || skip "needs certtool (gnutls-bin)"
lab_up
lab_dns
lab_reference
certs="$LAB_TMP/certs"
sh "$TESTDIR/integration/make-fake-certs.sh" "$certs" >/dev/null 2>&1 ||
	fail "make-fake-certs.sh failed"
pw="$LAB_TMP/pw"
(umask 077; printf 'Canary-r37-Zq8w-Lm2p\n' >"$pw")
flog="$LAB_TMP/fake.log"
ip netns exec "$LAB_N" python3 "$TESTDIR/integration/fake-smtp.py" 192.0.2.10 587 \
    --scenario starttls-no-tls --tls-cert "$certs/server-chain.pem" \
    --ready-file "$LAB_TMP/ready" --idle-timeout 20 2>"$flog" &
LAB_PIDS="$LAB_PIDS $!"
lab_wait_file "$LAB_TMP/ready"

out="$LAB_TMP/probe.json"
in_client "$SENDFIX" probe smtp smtp.lab.test --port 587 --security starttls \
    --user anna@lab.test --password-file "$pw" --resolver 192.0.2.53 \
    --timeout "$LAB_TIMEOUT" --cafile "$certs/ca.pem" --format json >"$out" 2>"$out.stderr"
SENDFIX_STATUS=$?
LAB_LAST_REPORT=$out
status_is 3
json_is "$out" .failure tls-failed
json_is "$out" .tls null
expl=$(jq -r .explanation "$out")
case $expl in
*"did not start TLS"*) ;;
*) fail "row 37: the explanation does not say the server did not start TLS: $expl" ;;
esac
case $expl in
*"may expect STARTTLS"*) fail "row 37: the words for an implicit-TLS port: $expl" ;;
esac
grep -q "C: AUTH" "$flog" && fail "row 37: a login went to a server that never started TLS"
grep -q "Canary-r37" "$out" "$out.stderr" && fail "the password reached the output"
pass "row 37: 220 then plain text: \"did not start TLS\", no login"

# Row 13: the server saw a TLS record first after its 220, and nothing else.
after=$(sed -n '/S: 220 2.0.0 Ready to start TLS/{n;p;q}' "$flog")
case $after in
*"C: ("*"bytes, a TLS record)"*) ;;
*) fail "row 13: after STARTTLS the client sent something other than a ClientHello: $after" ;;
esac
pass "row 13: after STARTTLS the first bytes out are the TLS handshake"

# The wizard's path: the same words reach the report, and no login.
: >"$flog"
r="$LAB_TMP/report.json"
sendfix_batch "$r" --cafile "$certs/ca.pem" --answer email=anna@lab.test \
    --answer smtp.host=smtp.lab.test --answer smtp.port=587 --answer smtp.security=starttls \
    --answer smtp.user=anna@lab.test --answer smtp.password-file="$pw"
grep -q "did not start TLS" "$r" || fail "row 37: the report lacks \"did not start TLS\": $(cat "$r")"
grep -q "C: AUTH" "$flog" && fail "row 37 (batch): a login went out: $(cat "$flog")"
grep -q "Canary-r37" "$r" "$r.stderr" && fail "the password reached the report"
pass "row 37 (batch): the report says the server did not start TLS (status $SENDFIX_STATUS)"
