#!/bin/sh
# firewall.port-blocked: connections to the submission port are actively turned away in the
# path (TCP reset, ICMP administratively prohibited) or by this computer's own firewall
# (REJECT in OUTPUT), while another port on the server answers.
. "$TESTDIR/integration/lib.sh"
lab_up
lab_dns
lab_reference
lab_server 587 465

check_blocked() {
	r="$LAB_TMP/$1.json"
	sendfix_batch "$r" --answer smtp.host=smtp.lab.test --answer smtp.port=587
	status_is 1
	json_is "$r" '.causes[0].id' firewall.port-blocked
	json_is "$r" '.probes[] | select(.name == "port-survey") | .facts["open-ports"]' 465
	jq -r '.causes[0].fix[]' "$r" | grep -q 'port 465' ||
		fail "the fix does not offer the port that works"
	pass "$2: firewall.port-blocked"
}

# A reset from the path.
in_net iptables -A INPUT -s 192.0.2.1 -p tcp --dport 587 -j REJECT --reject-with tcp-reset
in_net ip6tables -A INPUT -s 2001:db8::1 -p tcp --dport 587 -j REJECT --reject-with tcp-reset
check_blocked reset "TCP reset on 587"
in_net iptables -F INPUT
in_net ip6tables -F INPUT

# ICMP administratively prohibited.
in_net iptables -A INPUT -s 192.0.2.1 -p tcp --dport 587 -j REJECT --reject-with icmp-admin-prohibited
in_net ip6tables -A INPUT -s 2001:db8::1 -p tcp --dport 587 -j REJECT --reject-with adm-prohibited
check_blocked prohibited "ICMP prohibited on 587"
in_net iptables -F INPUT
in_net ip6tables -F INPUT

# This computer's own firewall rejecting the port.
in_client iptables -A OUTPUT -p tcp --dport 587 -j REJECT
in_client ip6tables -A OUTPUT -p tcp --dport 587 -j REJECT
check_blocked local "the local firewall rejecting 587"
