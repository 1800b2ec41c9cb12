#!/bin/sh
# settings.host-unresolvable: the server name does not exist (NXDOMAIN) or has no address,
# while the resolver itself works (the reference name resolves).
. "$TESTDIR/integration/lib.sh"
lab_up
lab_dns
lab_reference

r="$LAB_TMP/nx.json"
sendfix_batch "$r" --answer smtp.host=smtpx.lab.test --answer smtp.port=587
status_is 1
json_is "$r" '.causes[0].id' settings.host-unresolvable
json_is "$r" '.causes[0].section' 1
json_is "$r" '.probes[] | select(.name == "resolve") | .outcome' nxdomain
json_is "$r" '.path[-1]' host-unresolvable
jq -r '.causes[0].evidence[]' "$r" | grep -q 'smtpx.lab.test' ||
	fail "the evidence does not name the host"
pass "NXDOMAIN gives settings.host-unresolvable"

r="$LAB_TMP/nodata.json"
sendfix_batch "$r" --answer smtp.host=noaddr.lab.test --answer smtp.port=587
status_is 1
json_is "$r" '.causes[0].id' settings.host-unresolvable
json_is "$r" '.probes[] | select(.name == "resolve") | .outcome' nodata
pass "a name without addresses gives settings.host-unresolvable"

# The same through an IPv6 resolver address.
r="$LAB_TMP/nx6.json"
in_client "$SENDFIX" --batch --resolver '[2001:db8::53]:53' --reference-host ref.lab.test \
    --timeout "$LAB_TIMEOUT" --format json --report "$r" \
    --answer smtp.host=smtpx.lab.test --answer smtp.port=587
SENDFIX_STATUS=$?
status_is 1
json_is "$r" '.causes[0].id' settings.host-unresolvable
pass "NXDOMAIN through an IPv6 resolver"

# The resolver refuses this one name (dnsmasq has no upstream for it) while the reference
# name resolves: the name's own DNS is broken, not this computer's.
r="$LAB_TMP/refused.json"
sendfix_batch "$r" --answer smtp.host=smtp.example.net --answer smtp.port=587
status_is 1
json_is "$r" '.causes[0].id' settings.host-unresolvable
json_is "$r" '.probes[] | select(.name == "resolve") | .outcome' server-failure
json_is "$r" '.path[-1]' host-dns-broken
pass "a name the resolver refuses gives settings.host-unresolvable, not a resolver failure"
