#!/bin/sh
# port.ipv6-path-broken: the server answers over IPv4, while everything sent to its IPv6
# address is dropped on the way; a port refused over IPv6 is an answer, not a broken path.
# A tree that does not know the finer outcome follows "open" as before.
. "$TESTDIR/integration/lib.sh"
lab_up
lab_dns
lab_reference
lab_server 587 465
in_net ip6tables -A INPUT -s 2001:db8::1 -d 2001:db8::10 -j DROP

r="$LAB_TMP/v6.json"
sendfix_batch "$r" --answer smtp.host=smtp.lab.test --answer smtp.port=587 \
    --answer smtp.security=starttls
status_is 1
json_is "$r" '.causes[0].id' port.ipv6-path-broken
json_is "$r" '.probes[] | select(.name == "port-survey") | .outcome' ipv6-broken
pass "IPv6 dropped, IPv4 open: port.ipv6-path-broken"

# The same with a tree written before the outcome existed: the walk follows "open".
tree="$LAB_TMP/old.tree"
printf '%s\n' 'Tree: old' 'Start: survey' '' \
	'Node: survey' 'Kind: probe' 'Probe: port-survey' 'Title: Survey' \
	'Arg: host=smtp.lab.test' 'Arg: port=587' \
	'On-open: fine' 'On-port-closed: bad' 'On-filtered: bad' 'On-blocked: bad' \
	'On-server-unreachable: bad' 'On-no-network: bad' '' \
	'Node: fine' 'Kind: conclusion' 'Verdict: healthy' 'Title: Open' 'Text: Open.' '' \
	'Node: bad' 'Kind: conclusion' 'Verdict: inconclusive' 'Title: Not open' \
	'Text: Not open.' >"$tree"
r="$LAB_TMP/old.json"
sendfix_batch "$r" --tree "$tree"
status_is 0
json_is "$r" '.path[-1]' fine
pass "an older tree without the branch follows the outcome it refines"

in_net ip6tables -F INPUT
in_net ip6tables -A INPUT -s 2001:db8::1 -d 2001:db8::10 -p tcp -j REJECT --reject-with tcp-reset
r="$LAB_TMP/refused.json"
sendfix_batch "$r" --answer smtp.host=smtp.lab.test --answer smtp.port=587 \
    --answer smtp.security=starttls
[ "$(jq -r '.probes[] | select(.name == "port-survey") | .outcome' "$r")" != ipv6-broken ] ||
	fail "a refused IPv6 connection was called a broken path"
pass "IPv6 refused: an answer, not a broken path"
