#!/bin/sh
# port.isp-blocks-25: port 25 is dropped (then refused) towards every host, the server and
# the reference host alike, while the server's 587 and 465 answer: the provider's policy,
# not a fault; the fix names 587 with STARTTLS. Another port dropped the same way is not
# taken for that policy.
. "$TESTDIR/integration/lib.sh"
lab_up
lab_dns
lab_reference
lab_server 25 587 465
in_net iptables -A INPUT -s 192.0.2.1 -p tcp --dport 25 -j DROP
in_net ip6tables -A INPUT -s 2001:db8::1 -p tcp --dport 25 -j DROP

r="$LAB_TMP/drop.json"
sendfix_batch "$r" --answer smtp.host=smtp.lab.test --answer smtp.port=25 \
    --answer smtp.security=none
status_is 1
json_is "$r" '.causes[0].id' port.isp-blocks-25
json_is "$r" '.probes[] | select(.name == "port-survey") | .outcome' isp-blocks-25
fix=$(jq -r '.causes[0].fix[]' "$r")
echo "$fix" | grep -q "port field, enter 587" && echo "$fix" | grep -q "encryption to STARTTLS" ||
	fail "the fix does not say 587 with STARTTLS: $fix"
pass "25 dropped everywhere, 587 and 465 open: port.isp-blocks-25, use 587"

in_net iptables -F INPUT
in_net ip6tables -F INPUT
in_net iptables -A INPUT -s 192.0.2.1 -p tcp --dport 25 -j REJECT --reject-with tcp-reset
in_net ip6tables -A INPUT -s 2001:db8::1 -p tcp --dport 25 -j REJECT --reject-with tcp-reset
r="$LAB_TMP/reject.json"
sendfix_batch "$r" --answer smtp.host=smtp.lab.test --answer smtp.port=25
status_is 1
json_is "$r" '.causes[0].id' port.isp-blocks-25
pass "25 refused everywhere: port.isp-blocks-25"

# The same drop on 2525 is an ordinary firewall, not the ISP's port-25 policy.
in_net iptables -F INPUT
in_net ip6tables -F INPUT
lab_server 2525
in_net iptables -A INPUT -s 192.0.2.1 -p tcp --dport 2525 -j DROP
in_net ip6tables -A INPUT -s 2001:db8::1 -p tcp --dport 2525 -j DROP
r="$LAB_TMP/other.json"
sendfix_batch "$r" --answer smtp.host=smtp.lab.test --answer smtp.port=2525
[ "$(jq -r '.probes[] | select(.name == "port-survey") | .outcome' "$r")" != isp-blocks-25 ] ||
	fail "a dropped 2525 was taken for the port-25 policy"
pass "2525 dropped: not the port-25 policy ($(jq -r '.causes[0].id' "$r"))"
