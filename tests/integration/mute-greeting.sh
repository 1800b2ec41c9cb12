#!/bin/sh
# A server that takes the connection and drips its greeting (hostile-cases row 18; issue 8)
# costs the run one timeout per mode, not one per probe: the smtp probe waits for it once
# in plain text and once with SSL/TLS (its own second try), and the path matrix that
# follows finds port 2587 of the same server remembered in both modes and says it was not
# waited for again. The server is scripted (fake-smtp.py drip) on both of its addresses, so
# the matrix's connection may reach the other one.
. "$TESTDIR/integration/lib.sh"
lab_up
lab_dns
lab_reference
for a in 192.0.2.10 2001:db8::10; do
	ip netns exec "$LAB_N" python3 "$TESTDIR/integration/fake-smtp.py" "$a" 2587 \
	    --scenario drip --drip-interval 1 --ready-file "$LAB_TMP/drip.$a.ready" \
	    --idle-timeout 60 2>>"$LAB_TMP/drip.log" &
	LAB_PIDS="$LAB_PIDS $!"
	lab_wait_file "$LAB_TMP/drip.$a.ready"
done

r="$LAB_TMP/drip.json"
sendfix_batch "$r" --timeout 3 --answer email=anna@lab.test \
    --answer smtp.host=smtp.lab.test --answer smtp.port=2587 --answer smtp.security=starttls
json_is "$r" '.probes[] | select(.name == "smtp") | .outcome' no-greeting
# The smtp probe did wait: its whole timeout.
json_is "$r" '.probes[] | select(.name == "smtp") | .elapsed_ms >= 2900' true
# The matrix did not wait again, and says why its answer came at once.
json_is "$r" '.probes[] | select(.name == "smtp-matrix") | .elapsed_ms < 1500' true
jq -e '.probes[] | select(.name == "smtp-matrix") | .evidence[] |
    select(test("port 2587: .*when tried moments before \\(not waited for again\\)"))' \
    "$r" >/dev/null || fail "the matrix does not say it did not wait again: $(jq -c '.probes[] | select(.name == "smtp-matrix") | .evidence' "$r")"
pass "a dripping greeting is waited for once per run"

# Another port of the same server is not affected: 2525 there is refused, and said so.
jq -e '.probes[] | select(.name == "smtp-matrix") | .evidence[0] | test("2525 refused")' \
    "$r" >/dev/null || fail "the matrix's other ports: $(jq -c '.probes[] | select(.name == "smtp-matrix") | .evidence[0]' "$r")"
pass "other ports of the same server are tested as usual"
