#!/bin/sh
# dns.resolver-failure: the resolver answers nothing at all, so neither the server's name
# nor the reference names resolve. Not mistaken for a missing record.
. "$TESTDIR/integration/lib.sh"
lab_up
lab_dns
lab_reference
lab_server 587

# Packets to the resolver are dropped: every query times out.
in_net iptables -A INPUT -d 192.0.2.53 -p udp --dport 53 -j DROP
in_net iptables -A INPUT -d 192.0.2.53 -p tcp --dport 53 -j DROP
r="$LAB_TMP/r.json"
sendfix_batch "$r" --answer smtp.host=smtp.lab.test --answer smtp.port=587
status_is 1
json_is "$r" '.causes[0].id' dns.resolver-failure
json_is "$r" '.probes[] | select(.name == "resolve") | .outcome' resolver-failure
pass "a resolver that does not answer gives dns.resolver-failure"
