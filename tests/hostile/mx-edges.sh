#!/bin/sh
# Hostile-cases row 61: MX edge cases served by dnsmasq, through the provider probe's own tree
# (tests/data/provider.tree): a null MX (RFC 7505), an MX whose target is a CNAME, an MX
# whose target does not exist, 100 MX records, and a domain that is a CNAME loop. sendfix
# only reads MX names (it matches them against the provider table and never connects to
# them), so each run must end well inside the timeout with a plain outcome, and the null MX
# must be named as such. A CNAME loop is not served: dnsmasq refuses to start with one
# ("CNAME loop involving ..."), and no MX target is ever resolved for a loop to catch.
. "$TESTDIR/integration/lib.sh"
TREE="$TESTDIR/data/provider.tree"
lab_up
set -- --log-queries \
    --mx-host=null.lab.test,.,0 \
    --cname=alias.lab.test,smtp.lab.test \
    --mx-host=cname.lab.test,alias.lab.test,10 \
    --mx-host=nx.lab.test,nothere.lab.test,10
i=1
while [ $i -le 100 ]; do
	set -- "$@" "--mx-host=many.lab.test,mx$i.lab.test,$i"
	i=$((i + 1))
done
lab_dns "$@"

# run NAME DOMAIN: a batch run of the test tree for user@DOMAIN; the report is $r.
run() {
	r="$LAB_TMP/$1.json"
	start=$(date +%s%N)
	sendfix_batch "$r" --tree "$TREE" --answer email="user@$2"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	# One lookup round, far from the timeout (LAB_TIMEOUT seconds per question).
	[ "$ms" -lt $((LAB_TIMEOUT * 1000)) ] || fail "$1: the run took $ms ms"
}
outcome_is() {
	json_is "$r" '.probes[] | select(.name == "provider") | .outcome' "$1"
}
evidence_has() {
	jq -r '.evidence[], (.probes[] | select(.name == "provider") | .evidence[])' "$r" |
	    grep -qF -- "$1" || fail "no evidence line with \"$1\": $(jq '.probes' "$r")"
}

run null null.lab.test
evidence_has "null.lab.test says in DNS that it receives no mail (a null MX record)"
pass "row 61: null MX: the note, outcome $(jq -r '.probes[] | select(.name == "provider") | .outcome' "$r"), ${ms} ms"

# An MX to a CNAME and an MX to a name that does not exist: the name is read and compared,
# never resolved, so neither costs a lookup of its own; the outcome says nothing was found.
run cname cname.lab.test
outcome_is unknown
evidence_has "cname.lab.test receives its mail at alias.lab.test, which is not in sendfix's list of providers"
pass "row 61: MX to a CNAME: outcome unknown, the MX named, ${ms} ms"
run nx nx.lab.test
outcome_is unknown
evidence_has "nx.lab.test receives its mail at nothere.lab.test, which is not in sendfix's list of providers"
pass "row 61: MX to a name that does not exist: outcome unknown, the MX named, ${ms} ms"
grep -q 'query\[[A-Z]*\] \(alias\|nothere\)\.lab\.test' "$LAB_TMP/dnsmasq.log" &&
	fail "row 61: an MX target was looked up: $(grep -E 'alias|nothere' "$LAB_TMP/dnsmasq.log")"

# 100 MX records: bounded, one line of words.
run many many.lab.test
outcome_is unknown
evidence_has "many.lab.test receives its mail at mx"
[ "$(jq -r '.probes[] | select(.name == "provider") | .evidence[]' "$r" | grep -c 'receives its mail')" = 1 ] ||
	fail "row 61: 100 MX records gave more than one line"
pass "row 61: 100 MX records: outcome unknown, one line, ${ms} ms"
