#!/bin/sh
# settings.host-unreachable: the name resolves, but no mail port answers at that address,
# while the reference host answers on the same port.
. "$TESTDIR/integration/lib.sh"
lab_up
lab_dns
lab_reference

# Every packet to down.lab.test is dropped: a server that is gone or a stale address.
r="$LAB_TMP/down.json"
sendfix_batch "$r" --answer smtp.host=down.lab.test --answer smtp.port=587
status_is 1
json_is "$r" '.causes[0].id' settings.host-unreachable
json_is "$r" '.probes[] | select(.name == "port-survey") | .outcome' server-unreachable
json_is "$r" '.probes[] | select(.name == "port-survey") | .facts["reference-state"]' connected
pass "a silent address gives settings.host-unreachable"

# Nothing listens at gone.lab.test: every port refuses.
r="$LAB_TMP/gone.json"
sendfix_batch "$r" --answer smtp.host=gone.lab.test --answer smtp.port=465
status_is 1
json_is "$r" '.causes[0].id' settings.host-unreachable
pass "an address where nothing listens gives settings.host-unreachable"
