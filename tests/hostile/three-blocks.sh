#!/bin/sh
# Hostile-cases row 65: outbound DROP on 25, RST on 587, ICMP unreachable on 465, all at once
# on the same server (iptables in the lab's path namespace). Each port is asked about in its
# own run; each gets its own words, within the connect timeout: a silent drop is
# firewall.port-filtered ("no answer ... dropped"), a reset is firewall.port-blocked
# ("refused"), an ICMP host-unreachable is "unreachable". The survey's per-port states, seen
# from every run, are the three different kinds side by side.
. "$TESTDIR/integration/lib.sh"
lab_up
lab_dns
lab_reference
# Outbound from this computer's network, to every server (the reference host too); 2525 stays
# open, so the network is up and only the three ports are turned away.
lab_server 25 587 465 2525
for ipt in "iptables -s 192.0.2.1" "ip6tables -s 2001:db8::1"; do
	set -- $ipt
	in_net "$1" -A INPUT "$2" "$3" -p tcp --dport 25 -j DROP
	in_net "$1" -A INPUT "$2" "$3" -p tcp --dport 587 -j REJECT --reject-with tcp-reset
done
in_net iptables -A INPUT -s 192.0.2.1 -p tcp --dport 465 -j REJECT \
    --reject-with icmp-host-unreachable
in_net ip6tables -A INPUT -s 2001:db8::1 -p tcp --dport 465 -j REJECT \
    --reject-with addr-unreach

survey() {
	jq -r ".probes[] | select(.name == \"port-survey\") | $2" "$1"
}

# check PORT SECURITY CAUSE STATE WORDS
check() {
	r="$LAB_TMP/p$1.json"
	sendfix_batch "$r" --answer smtp.host=smtp.lab.test --answer smtp.port="$1" \
	    --answer smtp.security="$2"
	status_is 1
	json_is "$r" '.causes[0].id' "$3"
	json_is "$r" '.probes[] | select(.name == "port-survey") | .facts.state' "$4"
	# The three kinds, each its own state, whichever port was asked about.
	for want in 25:timeout 587:refused 465:unreachable; do
		json_is "$r" ".probes[] | select(.name == \"port-survey\") | .facts[\"state-${want%%:*}\"]" \
		    "${want#*:}"
	done
	survey "$r" '.evidence[]' | grep "^Port $1 on smtp.lab.test" | grep -q "$5" ||
		fail "port $1: no evidence line with \"$5\": $(survey "$r" '.evidence[]')"
	ms=$(survey "$r" '.elapsed_ms')
	[ "$ms" -lt $((LAB_TIMEOUT * 1000 * 2)) ] ||
		fail "port $1: the survey took ${ms} ms, more than the connect timeout allows"
	pass "row 65: port $1: $3, \"$5\", in ${ms} ms"
}

check 25 starttls firewall.port-filtered timeout "seem to be dropped"
check 587 starttls firewall.port-blocked refused "the connection was refused"
check 465 tls firewall.port-blocked unreachable "unreachable (the host cannot be reached)"
