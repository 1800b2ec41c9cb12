#!/bin/sh
# hostile-cases row 9, the DNS half: an outgoing server typed as people write it, with
# letters outside ASCII ("smtp.bücher.lab.test"), is looked up in its A-label form
# ("smtp.xn--bcher-kva.lab.test", IDNA 2008) and found; the report keeps the name as typed,
# and the DNS server's log shows only the A-label was asked. (The certificate half, the
# name checked against the A-label, is check_tls's test_verify_table.) A name with no
# A-label form is refused before any question is sent, in words, with the bytes escaped.
. "$TESTDIR/integration/lib.sh"
lab_up
lab_dns --log-queries --host-record=smtp.xn--bcher-kva.lab.test,192.0.2.10

r="$LAB_TMP/idn.json"
sendfix_batch "$r" --timeout 2 --answer email=anna@lab.test \
    --answer 'smtp.host=smtp.bücher.lab.test' --answer smtp.port=587 \
    --answer smtp.security=starttls
json_is "$r" '.probes[] | select(.name == "resolve") | .outcome' ok
json_is "$r" '.answers["smtp.host"]' 'smtp.bücher.lab.test'
jq -e '.probes[] | select(.name == "resolve") | .facts.addresses | test("192.0.2.10")' "$r" \
    >/dev/null || fail "the A-label's address is not found: $(jq -c '.probes[] | select(.name == "resolve")' "$r")"
grep -q 'query\[A\] smtp.xn--bcher-kva.lab.test' "$LAB_TMP/dnsmasq.log" ||
	fail "the DNS server was not asked for the A-label: $(grep query "$LAB_TMP/dnsmasq.log")"
if grep -q 'bücher' "$LAB_TMP/dnsmasq.log"; then
	fail "a question went out with the name as typed: $(grep bücher "$LAB_TMP/dnsmasq.log")"
fi
pass "smtp.bücher.lab.test is asked as smtp.xn--bcher-kva.lab.test and found"
