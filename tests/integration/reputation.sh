#!/bin/sh
# The reputation probe against the lab's dnsmasq, through a small tree of its own
# (tests/data/reputation.tree: one probe, one conclusion per outcome). The public-address
# trick is pointed at the lab with --myip-resolver and --myip-name; the built-in blocklist
# zones are served by the lab. Every outcome is reached: listed on two lists (with codes,
# reason and removal pages), clean, 127.255.255.254 (a refused query, not a listing), no
# public address (nothing listens; the name does not exist), and a dead resolver.
. "$TESTDIR/integration/lib.sh"

TREE="$TESTDIR/data/reputation.tree"
lab_up
lab_dns \
    --local=/zen.spamhaus.org/bl.spamcop.net/b.barracudacentral.org/myip.opendns.com/ \
    --address=/myip.opendns.com/198.51.100.7 \
    --host-record=myip-clean.lab.test,198.51.100.8 \
    --host-record=myip-refused.lab.test,198.51.100.9 \
    --host-record=7.100.51.198.zen.spamhaus.org,127.0.0.4 \
    '--txt-record=7.100.51.198.zen.spamhaus.org,https://check.spamhaus.org/query/ip/198.51.100.7' \
    --host-record=7.100.51.198.bl.spamcop.net,127.0.0.2 \
    --host-record=9.100.51.198.zen.spamhaus.org,127.255.255.254

in_client "$SENDFIX" --check-tree "$TREE" >/dev/null || fail "$TREE does not pass --check-tree"

# run NAME ARGS...: a batch run of the test tree.
run() {
	r="$LAB_TMP/$1.json"
	shift
	sendfix_batch "$r" --tree "$TREE" "$@"
}
fact() {
	jq -r --arg k "$1" '.probes[] | select(.name == "reputation") | .facts[$k] // "(none)"' "$r"
}
fact_is() {
	got=$(fact "$1")
	[ "$got" = "$2" ] || fail "fact $1 is \"$got\", expected \"$2\"
$(jq '.probes[] | select(.name == "reputation")' "$r")"
}
evidence() {
	jq -r '.probes[] | select(.name == "reputation") | .evidence[]' "$r"
}
evidence_has() {
	evidence | grep -qF -- "$1" || fail "no evidence line with \"$1\": $(evidence)"
}
outcome_is() {
	json_is "$r" '.path[-1]' "$1"
	json_is "$r" '.probes[] | select(.name == "reputation") | .outcome' "$2"
}

# 1. The public address through myip.opendns.com at the lab resolver: on two lists.
run listed --myip-resolver 192.0.2.53
status_is 1
outcome_is listed listed
json_is "$r" '.causes[0].id' spam.ip-listed
fact_is address 198.51.100.7
fact_is source myip
fact_is lists "Spamhaus ZEN, SpamCop"
fact_is delist "https://check.spamhaus.org/ https://www.spamcop.net/bl.shtml"
fact codes | grep -qF "127.0.0.4 XBL:" || fail "codes: $(fact codes)"
fact codes | grep -qF "127.0.0.2 SpamCop" || fail "codes: $(fact codes)"
fact_is results "zen.spamhaus.org:listed bl.spamcop.net:listed b.barracudacentral.org:not-listed"
evidence_has "This network's public address is 198.51.100.7"
evidence_has 'Spamhaus ZEN says: "https://check.spamhaus.org/query/ip/198.51.100.7"'
pass "public address found through the lab, listed on two lists with codes and removal pages"

# 2. Another public address (--myip-name): on no list.
run clean --myip-resolver 192.0.2.53 --myip-name myip-clean.lab.test
status_is 0
outcome_is clean clean
fact_is address 198.51.100.8
fact_is lists ""
pass "on no list: clean"

# 3. 127.255.255.254: the list refused the query; that is not a listing.
run refused --myip-resolver 192.0.2.53:53 --myip-name myip-refused.lab.test
status_is 3
outcome_is query-refused query-refused
fact_is address 198.51.100.9
fact_is refused "Spamhaus ZEN"
fact_is lists ""
evidence_has "This is not a listing"
evidence_has "public or open DNS resolver"
jq -e '.causes | length == 0' "$r" >/dev/null || fail "a refused query named a cause"
pass "127.255.255.254 is a refused query in plain words, not a listing"

# 4. An address given: no public-address trick.
run given --answer smtp.host=198.51.100.9 --myip-resolver 192.0.2.31
outcome_is query-refused query-refused
fact_is source given
fact_is address 198.51.100.9
json_is "$r" '.probes[] | select(.name == "reputation") | .facts.myip // "unset"' unset
pass "an address given is checked as it is"

# 5. No public address: nothing listens at the myip resolver; a name that does not exist.
run nomyip --myip-resolver 192.0.2.31
status_is 3
outcome_is no-public-address no-public-address
fact_is address ""
evidence_has "192.0.2.31"
evidence_has "public address is not known"
run nomyip2 --myip-resolver 192.0.2.53 --myip-name nope.lab.test
outcome_is no-public-address no-public-address
evidence_has "gave no address"
pass "the public-address trick fails: no-public-address, saying why"

# 6. The blocklists asked through a resolver where nothing listens.
run deadresolver --myip-resolver 192.0.2.53 --resolver 192.0.2.31
status_is 1
outcome_is resolver-failure resolver-failure
json_is "$r" '.causes[0].id' dns.resolver-failure
fact_is address 198.51.100.7
pass "every list fails through a dead resolver: resolver-failure, not clean"

# The options are checked like --resolver.
in_client "$SENDFIX" --batch --tree "$TREE" --myip-resolver 'not an address' >/dev/null 2>&1
[ $? = 2 ] || fail "--myip-resolver with a bad address should be a usage error"
pass "--myip-resolver is checked"
