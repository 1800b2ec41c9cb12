#!/bin/sh
# firewall.port-filtered: connections to the submission port are silently dropped on the
# way (iptables DROP, with its IPv6 twin), for the server and the reference host alike,
# while another port on the server answers. The whole survey costs one timeout.
. "$TESTDIR/integration/lib.sh"
lab_up
lab_dns
lab_reference
lab_server 587 465
in_net iptables -A INPUT -s 192.0.2.1 -p tcp --dport 587 -j DROP
in_net ip6tables -A INPUT -s 2001:db8::1 -p tcp --dport 587 -j DROP

r="$LAB_TMP/r.json"
sendfix_batch "$r" --answer smtp.host=smtp.lab.test --answer smtp.port=587
status_is 1
json_is "$r" '.causes[0].id' firewall.port-filtered
json_is "$r" '.probes[] | select(.name == "port-survey") | .facts.state' timeout
json_is "$r" '.probes[] | select(.name == "port-survey") | .facts["reference-state"]' timeout
json_is "$r" '.probes[] | select(.name == "port-survey") | .facts["open-ports"]' 465
ms=$(jq -r '.probes[] | select(.name == "port-survey") | .elapsed_ms' "$r")
# One shared timeout for every port and host, not one per port: well under two timeouts.
[ "$ms" -lt $((LAB_TIMEOUT * 1000 * 2)) ] ||
	fail "the survey took ${ms} ms: more than one timeout"
pass "DROP on 587: firewall.port-filtered in ${ms} ms"

# This computer's own firewall dropping the port looks the same from here: the kernel keeps
# retrying the SYN it dropped, so connect() times out as if the path dropped it.
in_net iptables -F INPUT
in_net ip6tables -F INPUT
in_client iptables -A OUTPUT -p tcp --dport 587 -j DROP
in_client ip6tables -A OUTPUT -p tcp --dport 587 -j DROP
r="$LAB_TMP/local.json"
sendfix_batch "$r" --answer smtp.host=smtp.lab.test --answer smtp.port=587
status_is 1
json_is "$r" '.causes[0].id' firewall.port-filtered
pass "the local firewall dropping 587: firewall.port-filtered"
