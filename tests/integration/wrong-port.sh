#!/bin/sh
# settings.wrong-port: the server does not listen on the configured port but does on
# another submission port, and the network lets the configured port through (the reference
# host answers on it).
. "$TESTDIR/integration/lib.sh"
lab_up
lab_dns
lab_reference
lab_server 465

r="$LAB_TMP/r.json"
sendfix_batch "$r" --answer smtp.host=smtp.lab.test --answer smtp.port=587 \
    --answer smtp.security=starttls
status_is 1
json_is "$r" '.causes[0].id' settings.wrong-port
json_is "$r" '.causes | length' 1
json_is "$r" '.probes[] | select(.name == "port-survey") | .facts["open-ports"]' 465
json_is "$r" '.probes[] | select(.name == "port-survey") | .facts["suggest-port"]' 465
jq -r '.causes[0].fix[]' "$r" | grep -q 'port field, enter 465' ||
	fail "the fix does not say which port to use"
jq -r '.causes[0].fix[]' "$r" | grep -q 'SSL/TLS' ||
	fail "the fix does not say which encryption goes with port 465"
pass "port 587 closed, 465 open: settings.wrong-port, use 465 with SSL/TLS"
