#!/bin/sh
# The provider probe through its own tree (tests/data/provider.tree: the probe, then one
# conclusion per outcome): a gmail.com address is known from the knowledge base without a
# single DNS question; a company domain whose MX is Google's is Google Workspace; settings
# that differ give the exact values to enter; SRV records (RFC 6186) at srv.lab.test; a
# domain with only smtp.DOMAIN answering with STARTTLS is a verified guess; nothing found is
# unknown; no address is no-address.
. "$TESTDIR/integration/lib.sh"
TREE="$TESTDIR/data/provider.tree"
command -v certtool >/dev/null 2>&1 || skip "needs certtool (gnutls-bin) for the guess's certificate"
lab_up
lab_dns --log-queries \
    --mx-host=corp.lab.test,aspmx.l.google.com,10 \
    --mx-host=corp.lab.test,alt1.aspmx.l.google.com,20 \
    --srv-host=_submission._tcp.srv.lab.test,smtp.lab.test,587,0,0 \
    --srv-host=_submissions._tcp.srv.lab.test,smtp.lab.test,465,10,0 \
    --srv-host=_submissions._tcp.dot.lab.test \
    --host-record=smtp.guess.lab.test,192.0.2.10

in_client "$SENDFIX" --check-tree "$TREE" >/dev/null || fail "$TREE does not pass --check-tree"

# A certificate for smtp.guess.lab.test from the lab's CA, for the guessed server.
certs="$LAB_TMP/certs"
sh "$TESTDIR/integration/make-lab-certs.sh" "$certs" >/dev/null 2>&1 || fail "make-lab-certs.sh failed"
certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile "$certs/guess.key" \
    2>/dev/null || fail "certtool"
cat >"$certs/guess.tmpl" <<'EOF'
organization = "sendfix lab"
cn = "smtp.guess.lab.test"
dns_name = "smtp.guess.lab.test"
expiration_days = 2
tls_www_server
signing_key
encryption_key
EOF
certtool --generate-certificate --load-privkey "$certs/guess.key" \
    --load-ca-certificate "$certs/ca.pem" --load-ca-privkey "$certs/ca.key" \
    --template "$certs/guess.tmpl" --outfile "$certs/guess.pem" 2>/dev/null || fail "certtool"
cat "$certs/guess.key" "$certs/guess.pem" "$certs/ca.pem" >"$certs/guess-chain.pem"

# run NAME ANSWERS...: a batch run of the test tree; the report is $r.
run() {
	r="$LAB_TMP/$1.json"
	shift
	sendfix_batch "$r" --tree "$TREE" --cafile "$certs/ca.pem" "$@"
}
fact() {
	jq -r --arg k "$1" '.probes[] | select(.name == "provider") | .facts[$k] // "(none)"' "$r"
}
fact_is() {
	got=$(fact "$1")
	[ "$got" = "$2" ] || fail "fact $1 is \"$got\", expected \"$2\"
$(jq '.probes[] | select(.name == "provider")' "$r")"
}
outcome_is() {
	json_is "$r" '.probes[] | select(.name == "provider") | .outcome' "$1"
	json_is "$r" '.path[-1]' "$1"
}
evidence_has() {
	jq -r '.evidence[], (.probes[] | select(.name == "provider") | .evidence[]), .fix[]' "$r" |
	    grep -qF -- "$1" || fail "no evidence line with \"$1\": $(jq '.evidence, .fix, .probes' "$r")"
}

# 1. gmail.com: known from the domain alone, no DNS question asked.
run gmail --answer email=ann@gmail.com
outcome_is known
fact_is name Gmail
fact_is source domain
fact_is host smtp.gmail.com
fact_is port 465
fact_is security tls
fact_is security-words SSL/TLS
fact_is alt-host smtp.gmail.com
fact_is alt-port 587
fact_is alt-security-words STARTTLS
fact_is login "your whole email address"
fact_is quirks "needs an app password when two-step sign-in is on"
fact_is help https://support.google.com/mail/answer/7126229
fact_is differs unknown
evidence_has "Gmail (found by domain): smtp.gmail.com port 465 with SSL/TLS."
evidence_has "Also: smtp.gmail.com port 587 with STARTTLS."
if grep -qi 'gmail' "$LAB_TMP/dnsmasq.log"; then
	fail "a DNS question was asked for a gmail.com address: $(grep -i gmail "$LAB_TMP/dnsmasq.log")"
fi
pass "gmail.com: known from the knowledge base, without DNS"

# 2. The user on Gmail's documented STARTTLS port: nothing differs.
run gmail-587 --answer email=ann@gmail.com --answer smtp.host=smtp.gmail.com \
    --answer smtp.port=587 --answer smtp.security=starttls --answer smtp.user=ann@gmail.com
outcome_is known
fact_is differs no
fact_is fix-host smtp.gmail.com
fact_is fix-port 587
fact_is fix-security-words STARTTLS
pass "gmail.com on 587 with STARTTLS: differs no"

# 3. Port 25, no encryption and a bare user name: each difference with the value to enter.
run gmail-25 --answer email=ann@gmail.com --answer smtp.host=smtp.gmail.com \
    --answer smtp.port=25 --answer smtp.security=none --answer smtp.user=ann
outcome_is known
fact_is differs yes
fact_is fix-host smtp.gmail.com
fact_is fix-port 465
fact_is fix-security-words SSL/TLS
fact_is differences "Use port 465, not 25.; Set the connection security (encryption) to SSL/TLS (encrypted from the start), not None.; Enter your whole email address, ann@gmail.com, as the user name, not just ann."
fact_is cause client.settings-differ
evidence_has "Use port 465, not 25."
evidence_has "Enter smtp.gmail.com, port 465, SSL/TLS."
run gmail-port --answer email=ann@gmail.com --answer smtp.host=smtp.gmail.com \
    --answer smtp.port=25
fact_is differs yes
fact_is differences "Use port 465, not 25."
fact_is cause settings.wrong-port
pass "gmail.com on port 25: differs yes with the exact values"

# 4. A company domain whose MX is Google's: Google Workspace, found by MX.
run corp --answer email=boss@corp.lab.test
outcome_is known
fact_is name "Google Workspace"
fact_is source mx
fact_is host smtp.gmail.com
fact_is spf include:_spf.google.com
fact_is dkim google
fact_is differs unknown
evidence_has "corp.lab.test receives its mail at aspmx.l.google.com"
evidence_has "Google Workspace (found by mx): smtp.gmail.com port 465 with SSL/TLS."
# The query log works, so case 1's silence about gmail.com means something.
grep -q 'query\[MX\] corp.lab.test' "$LAB_TMP/dnsmasq.log" ||
	fail "dnsmasq logged no MX question for corp.lab.test: $(cat "$LAB_TMP/dnsmasq.log")"
pass "corp.lab.test with Google's MX: Google Workspace by MX"

# 5. SRV records: _submission at priority 0 beats _submissions at 10 (RFC 6186 3.4).
run srv --answer email=ann@srv.lab.test --answer smtp.host=mail.srv.lab.test
outcome_is srv
fact_is name srv.lab.test
fact_is source srv
fact_is host smtp.lab.test
fact_is port 587
fact_is security starttls
fact_is security-words STARTTLS
fact_is alt-host smtp.lab.test
fact_is alt-port 465
fact_is alt-security-words SSL/TLS
fact_is login "the name your provider gave you"
fact_is differs yes
fact_is fix-host smtp.lab.test
fact_is differences "Set the outgoing (SMTP) server to smtp.lab.test, not mail.srv.lab.test."
evidence_has "srv.lab.test (found by srv): smtp.lab.test port 587 with STARTTLS."
pass "srv.lab.test: from its SRV records"

# 6. Only smtp.guess.lab.test answers, on 587 with STARTTLS: a verified guess.
ready="$LAB_TMP/fake.ready"
ip netns exec "$LAB_N" python3 "$TESTDIR/integration/fake-smtp.py" 192.0.2.10 587 \
    --scenario healthy --ready-file "$ready" --idle-timeout 20 \
    --tls-cert "$certs/guess-chain.pem" 2>"$LAB_TMP/fake.log" &
LAB_PIDS="$LAB_PIDS $!"
lab_wait_file "$ready"
run guess --answer email=ann@guess.lab.test --answer smtp.port=465
outcome_is guessed
fact_is name guess.lab.test
fact_is source guess
fact_is host smtp.guess.lab.test
fact_is port 587
fact_is security-words STARTTLS
fact_is verified yes
fact_is alt-host ""
fact_is differs yes
fact_is fix-port 587
fact_is fix-security-words STARTTLS
evidence_has "Guess smtp.guess.lab.test port 587 with STARTTLS: answers as a mail server, and its certificate checks out"
evidence_has "guess.lab.test (found by guess): smtp.guess.lab.test port 587 with STARTTLS, verified yes."
jq -r '.probes[] | select(.name == "provider") | .transcript[]' "$r" | grep -q '^C: STARTTLS' ||
	fail "the guess's transcript shows no STARTTLS"
jq -r '.probes[] | select(.name == "provider") | .transcript[]' "$r" | grep -q '^C: AUTH\|^C: MAIL' &&
	fail "the guess logged in or named a sender"
pass "guess.lab.test: smtp.guess.lab.test on 587 verified live"

# 7. Nothing: no entry, no MX, a "." SRV record (service not offered), no guess answers.
run nothing --answer email=ann@dot.lab.test
outcome_is unknown
fact_is name dot.lab.test
fact_is differs unknown
fact_is host ""
evidence_has "_submissions._tcp.dot.lab.test says in DNS that this service is not offered"
evidence_has "No setting for dot.lab.test was found"
pass "dot.lab.test: unknown"

# 8. No address given, or "dontknow".
run none
outcome_is no-address
fact_is differs unknown
run dontknow --answer email=dontknow
outcome_is no-address
evidence_has "No email address was given"
pass "no usable address: no-address"
