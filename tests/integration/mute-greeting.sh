#!/bin/sh
# A server that takes the connection and drips its greeting (hostile-cases row 18; issue 8)
# costs the run about one timeout, not one per probe or per mode: the smtp probe waits for
# it in plain text and, from a second after it started, with SSL/TLS beside it; the path
# matrix runs from the start alongside (wizard/cannot-send.tree) or, when it runs later,
# finds port 2587 remembered and says it was not waited for again. The server is scripted
# (fake-smtp.py drip) on both of its addresses, so the matrix's connection may reach the
# other one.
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
t0=$(date +%s%N)
sendfix_batch "$r" --timeout 3 --answer email=anna@lab.test \
    --answer smtp.host=smtp.lab.test --answer smtp.port=2587 --answer smtp.security=starttls
ms=$((($(date +%s%N) - t0) / 1000000))
json_is "$r" '.probes[] | select(.name == "smtp") | .outcome' no-greeting
# The smtp probe did wait: its whole timeout.
json_is "$r" '.probes[] | select(.name == "smtp") | .elapsed_ms >= 2900' true
# The whole run: the plain wait, the SSL/TLS try a second later beside it, the matrix's
# waits alongside or remembered: one timeout and a little, never two (6 s) or more.
# Under valgrind (LAB_SLOW) the program's own start takes seconds: not timed there. The
# bound is the two timeouts a second wait would cost, so a loaded machine has room.
if [ "$LAB_SLOW" = 1 ]; then
	[ "$ms" -lt 6000 ] || fail "the run took $ms ms with a 3 s timeout: it waited more than once"
fi
# The matrix either waited alongside (so took the timeout itself) or says it did not wait.
jq -e '.probes[] | select(.name == "smtp-matrix") | (.elapsed_ms >= 2900) or
    ([.evidence[] | select(test("port 2587: .*when tried moments before \\(not waited for again\\)"))] | length > 0)' \
    "$r" >/dev/null || fail "the matrix neither waited alongside nor says it did not wait again: $(jq -c '.probes[] | select(.name == "smtp-matrix") | .evidence' "$r")"
pass "a dripping greeting costs the run one timeout ($ms ms with a 3 s timeout)"

# Another port of the same server is not affected: 2525 there is refused, and said so.
jq -e '.probes[] | select(.name == "smtp-matrix") | .evidence[0] | test("2525 refused")' \
    "$r" >/dev/null || fail "the matrix's other ports: $(jq -c '.probes[] | select(.name == "smtp-matrix") | .evidence[0]' "$r")"
pass "other ports of the same server are tested as usual"
