#!/bin/sh
# A server that answers on the configured port is never blamed: the port survey says "open"
# for 587 (STARTTLS) and 465 (SSL/TLS), and no cause is reported (the listener is not an
# SMTP server, so what follows the connection stays inconclusive).
. "$TESTDIR/integration/lib.sh"
lab_up
lab_dns
lab_reference
lab_server 587 465

for p in 587 465; do
	r="$LAB_TMP/report-$p.json"
	sendfix_batch "$r" --answer email=anna@lab.test --answer smtp.host=smtp.lab.test \
	    --answer smtp.port=$p --answer smtp.security=starttls
	status_is 3
	json_is "$r" '.causes | length' 0
	json_is "$r" '.verdict' inconclusive
	json_is "$r" '.probes[] | select(.name == "resolve") | .outcome' ok
	json_is "$r" '.probes[] | select(.name == "port-survey") | .outcome' open
	json_is "$r" '.probes[] | select(.name == "port-survey") | .facts.state' connected
	# The listener is not a mail server: the conversation after the connection is
	# inconclusive, but neither the port nor the network is blamed.
	json_is "$r" '[.path[] | select(. == "talk-to-server")] | length' 1
	json_is "$r" '.answers["smtp.port"]' "$p"
	pass "port $p answers and is not blamed"
done

# IPv6 only for the server's address: still open.
r="$LAB_TMP/report-v6.json"
sendfix_batch "$r" --answer smtp.host=2001:db8::10 --answer smtp.port=587
status_is 3
json_is "$r" '.probes[] | select(.name == "port-survey") | .outcome' open
pass "an IPv6 literal server answers"
