#!/bin/sh
# The sender-dns probe (SPF, DKIM, DMARC) and the sender-ptr probe against the lab's
# dnsmasq, through small trees of their own (tests/data/sender-dns.tree and sender-ptr.tree:
# one probe, one conclusion per outcome). Every outcome is reached: SPF that permits the
# server, that does not, none at all, two records (permerror, merged suggestion), a
# multi-string record joined; the provider's include and DKIM selector from the knowledge
# base (gmail.com, served by the lab); DKIM and DMARC missing or invalid; a dead resolver;
# an address without a domain; PTR confirmed, missing and pointing elsewhere.
. "$TESTDIR/integration/lib.sh"

TREE="$TESTDIR/data/sender-dns.tree"
PTRTREE="$TESTDIR/data/sender-ptr.tree"
KEY="v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC1TaNgLlSyQMNWVLNLvyY"
DMARC="v=DMARC1; p=reject; adkim=s; rua=mailto:dmarc@lab.test"

lab_up
# This test publishes lab.test's records itself.
LAB_NO_MAIL_RECORDS=1
lab_dns \
    --local=/google.com/2.0.192.in-addr.arpa/ \
    "--txt-record=lab.test,v=spf1 ip4:192.0.2.10 -all" \
    "--txt-record=lab.test,google-site-verification=abc" \
    "--txt-record=default._domainkey.lab.test,$KEY" \
    "--txt-record=_dmarc.lab.test,$DMARC" \
    "--txt-record=nospf.lab.test,not an spf record" \
    "--txt-record=default._domainkey.nospf.lab.test,$KEY" \
    "--txt-record=_dmarc.nospf.lab.test,$DMARC" \
    "--txt-record=two.lab.test,v=spf1 ip4:192.0.2.10 -all" \
    "--txt-record=two.lab.test,v=spf1 ip4:192.0.2.20 ~all" \
    "--txt-record=default._domainkey.two.lab.test,$KEY" \
    "--txt-record=_dmarc.two.lab.test,$DMARC" \
    "--txt-record=multi.lab.test,v=spf1 ip4:192.0.2.10"," -all" \
    "--txt-record=selector1._domainkey.multi.lab.test,$KEY" \
    "--txt-record=_dmarc.multi.lab.test,v=DMARC1; p=quarantine" \
    "--txt-record=nodkim.lab.test,v=spf1 ip4:192.0.2.10 -all" \
    "--txt-record=default._domainkey.nodkim.lab.test,v=DKIM1; k=rsa; p=" \
    "--txt-record=_dmarc.nodkim.lab.test,$DMARC" \
    "--txt-record=nodmarc.lab.test,v=spf1 ip4:192.0.2.10 -all" \
    "--txt-record=default._domainkey.nodmarc.lab.test,$KEY" \
    "--txt-record=baddmarc.lab.test,v=spf1 ip4:192.0.2.10 -all" \
    "--txt-record=default._domainkey.baddmarc.lab.test,$KEY" \
    "--txt-record=_dmarc.baddmarc.lab.test,v=DMARC1; p=maybe" \
    --mx-host=corp.lab.test,aspmx.l.google.com,1 \
    "--txt-record=corp.lab.test,v=spf1 include:_spf.google.com ~all" \
    "--txt-record=_spf.google.com,v=spf1 ip4:192.0.2.10 ~all" \
    "--txt-record=google._domainkey.corp.lab.test,$KEY" \
    "--txt-record=_dmarc.corp.lab.test,v=DMARC1; p=none; rua=mailto:dmarc@corp.lab.test" \
    --mx-host=corp2.lab.test,aspmx.l.google.com,1 \
    "--txt-record=corp2.lab.test,v=spf1 ip4:192.0.2.99 -all" \
    "--txt-record=google._domainkey.corp2.lab.test,$KEY" \
    "--txt-record=_dmarc.corp2.lab.test,$DMARC" \
    --host-record=mail.lab.test,192.0.2.41 \
    --ptr-record=40.2.0.192.in-addr.arpa,mail.lab.test

for t in "$TREE" "$PTRTREE"; do
	in_client "$SENDFIX" --check-tree "$t" >/dev/null || fail "$t does not pass --check-tree"
done

# run NAME EMAIL [SERVER]: a batch run of the test tree.
run() {
	r="$LAB_TMP/$1.json"
	if [ -n "${3:-}" ]; then
		sendfix_batch "$r" --tree "$TREE" --answer email="$2" --answer smtp.host="$3"
	else
		sendfix_batch "$r" --tree "$TREE" --answer email="$2"
	fi
}
# fact PROBE KEY: one of the probe's facts in the last report.
fact() {
	jq -r --arg p "$1" --arg k "$2" '.probes[] | select(.name == $p) | .facts[$k] // "(none)"' "$r"
}
fact_is() {
	got=$(fact "$1" "$2")
	[ "$got" = "$3" ] || fail "fact $2 is \"$got\", expected \"$3\"
$(jq ".probes[] | select(.name == \"$1\")" "$r")"
}
evidence_has() {
	jq -r --arg p "$1" '.probes[] | select(.name == $p) | .evidence[]' "$r" | grep -qF -- "$2" ||
	    fail "no evidence line with \"$2\": $(jq -r --arg p "$1" '.probes[] | select(.name == $p) | .evidence[]' "$r")"
}
outcome_is() {
	json_is "$r" '.path[-1]' "$2"
	json_is "$r" ".probes[] | select(.name == \"$1\") | .outcome" "$3"
}

# 1. Everything in place, the server permitted by ip4.
run ok ann@lab.test 192.0.2.10
status_is 0
outcome_is sender-dns records-ok ok
fact_is sender-dns domain lab.test
fact_is sender-dns spf "v=spf1 ip4:192.0.2.10 -all"
fact_is sender-dns spf-result pass
fact_is sender-dns spf-suggest "v=spf1 ip4:192.0.2.10 -all"
fact_is sender-dns dkim default
fact_is sender-dns dkim-source common
fact_is sender-dns dmarc "$DMARC"
fact_is sender-dns dmarc-policy reject
fact_is sender-dns dmarc-suggest "v=DMARC1; p=none; rua=mailto:postmaster@lab.test"
fact sender-dns dmarc-words | grep -q "DKIM alignment strict" ||
    fail "dmarc-words: $(fact sender-dns dmarc-words)"
pass "SPF permits the server, DKIM key at a common selector, DMARC reject: ok"

# 2. The same domain, another server: not permitted, the record to publish lists it.
run notpermitted ann@lab.test 192.0.2.20
status_is 1
outcome_is sender-dns spf-missing spf-missing
json_is "$r" '.causes[0].id' dns.spf-missing
fact_is sender-dns spf-result fail
fact_is sender-dns spf-suggest "v=spf1 ip4:192.0.2.10 ip4:192.0.2.20 -all"
fact_is sender-dns dkim default
fact_is sender-dns dmarc-policy reject
pass "SPF fails for another server: spf-missing with the extended record"

# 3. No SPF record at all (another TXT record is no SPF).
run nospf ann@nospf.lab.test 192.0.2.10
status_is 1
outcome_is sender-dns spf-missing spf-missing
fact_is sender-dns spf none
fact_is sender-dns spf-result none
fact_is sender-dns spf-suggest "v=spf1 ip4:192.0.2.10 ~all"
pass "no SPF record: spf-missing, v=spf1 ip4:... ~all suggested"

# 4. Two SPF records: permerror, and one merged record to publish.
run two ann@two.lab.test 192.0.2.10
status_is 1
outcome_is sender-dns spf-missing spf-missing
fact_is sender-dns spf-result permerror
got=$(fact sender-dns spf-suggest)
# The DNS gives the two records in either order; the merge keeps the first one's all.
case "$got" in
"v=spf1 ip4:192.0.2.10 ip4:192.0.2.20 -all" | "v=spf1 ip4:192.0.2.20 ip4:192.0.2.10 ~all") ;;
*) fail "merged suggestion is \"$got\"" ;;
esac
fact sender-dns spf-words | grep -qi "two" || fail "spf-words: $(fact sender-dns spf-words)"
pass "two SPF records: permerror with a merged suggestion"

# 5. A record in two strings is one record; DKIM at selector1; DMARC quarantine.
run multi ann@multi.lab.test 192.0.2.10
status_is 0
outcome_is sender-dns records-ok ok
fact_is sender-dns spf "v=spf1 ip4:192.0.2.10 -all"
fact_is sender-dns spf-result pass
fact_is sender-dns dkim selector1
fact_is sender-dns dmarc-policy quarantine
pass "a multi-string SPF record is joined"

# 6. The provider from the knowledge base, found by the MX (a company domain at Google
# Workspace): its include and DKIM selector; no server address.
run workspace ann@corp.lab.test
status_is 0
outcome_is sender-dns records-ok ok
fact_is sender-dns provider "Google Workspace"
fact_is sender-dns spf-include include:_spf.google.com
fact_is sender-dns spf-result pass
fact_is sender-dns dkim-tried google
fact_is sender-dns dkim google
fact_is sender-dns dkim-source provider
fact_is sender-dns dmarc-policy none
fact_is sender-dns spf-suggest "v=spf1 include:_spf.google.com ~all"
pass "the provider's include and selector from the knowledge base (by MX)"

# The same provider, a record without its include: the include is what to add.
run workspace-noinc ann@corp2.lab.test
status_is 1
outcome_is sender-dns spf-missing spf-missing
fact_is sender-dns spf-include include:_spf.google.com
fact_is sender-dns spf-result fail
fact_is sender-dns spf-suggest "v=spf1 ip4:192.0.2.99 include:_spf.google.com -all"
pass "the provider's include missing from the record: spf-missing, include suggested"

# 7. DKIM: a revoked key (empty p=) is no key.
run nodkim ann@nodkim.lab.test 192.0.2.10
status_is 1
outcome_is sender-dns dkim-missing dkim-missing
json_is "$r" '.causes[0].id' dns.dkim-missing
fact_is sender-dns dkim none
fact_is sender-dns dkim-tried "default selector1 selector2 google k1 s1 s2 dkim"
evidence_has sender-dns 'revoked'
pass "no DKIM key (revoked): dkim-missing"

# 8. DMARC missing, then invalid.
run nodmarc ann@nodmarc.lab.test 192.0.2.10
status_is 1
outcome_is sender-dns dmarc-missing dmarc-missing
json_is "$r" '.causes[0].id' dns.dmarc-missing
fact_is sender-dns dmarc none
fact_is sender-dns dmarc-suggest "v=DMARC1; p=none; rua=mailto:postmaster@nodmarc.lab.test"
run baddmarc ann@baddmarc.lab.test 192.0.2.10
status_is 1
outcome_is sender-dns dmarc-missing dmarc-missing
fact_is sender-dns dmarc "v=DMARC1; p=maybe"
fact sender-dns dmarc-words | grep -q invalid || fail "dmarc-words: $(fact sender-dns dmarc-words)"
pass "no DMARC record, and an invalid one: dmarc-missing"

# 9. First problem wins, but every finding is kept: no SPF and no DMARC.
run both ann@nodmarc.lab.test 192.0.2.20
outcome_is sender-dns spf-missing spf-missing
fact_is sender-dns dmarc none
pass "spf-missing first, the DMARC finding still in the facts"

# 10. An address without a usable domain.
run nodomain ann@localhost
outcome_is sender-dns no-domain no-domain
pass "no usable domain: no-domain"

# 11. A resolver where nothing listens: every question fails.
r="$LAB_TMP/deadresolver.json"
sendfix_batch "$r" --tree "$TREE" --answer email=ann@lab.test --resolver 192.0.2.31
status_is 1
outcome_is sender-dns resolver-failure resolver-failure
json_is "$r" '.causes[0].id' dns.resolver-failure
pass "a dead resolver: resolver-failure"

# ---- PTR ------------------------------------------------------------------------------
ptr() {
	r="$LAB_TMP/ptr-$1.json"
	sendfix_batch "$r" --tree "$PTRTREE" --answer smtp.host="$2"
}
ptr ok 192.0.2.10
status_is 0
outcome_is sender-ptr ptr-ok ok
fact_is sender-ptr ptr smtp.lab.test
fact_is sender-ptr forward "192.0.2.10 2001:db8::10"
fact_is sender-ptr confirmed smtp.lab.test
ptr ok6 2001:db8::10
outcome_is sender-ptr ptr-ok ok
pass "PTR confirmed forward (IPv4 and IPv6)"

ptr mismatch 192.0.2.40
status_is 1
outcome_is sender-ptr ptr-mismatch ptr-mismatch
json_is "$r" '.causes[0].id' dns.ptr-mismatch
fact_is sender-ptr ptr mail.lab.test
fact_is sender-ptr forward 192.0.2.41
pass "PTR pointing at a name with another address: ptr-mismatch"

ptr missing 192.0.2.42
status_is 1
outcome_is sender-ptr ptr-missing ptr-missing
json_is "$r" '.causes[0].id' dns.ptr-mismatch
fact_is sender-ptr ptr none
pass "no PTR: ptr-missing"

r="$LAB_TMP/ptr-dead.json"
sendfix_batch "$r" --tree "$PTRTREE" --answer smtp.host=192.0.2.10 --resolver 192.0.2.31
outcome_is sender-ptr resolver-failure resolver-failure
pass "PTR through a dead resolver: resolver-failure"
