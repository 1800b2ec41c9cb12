#!/bin/sh
# RFC 8305 in the SMTP probe: smtp.lab.test has an AAAA whose path drops everything and a
# working A. The IPv6 attempt starts first; the IPv4 one starts 250 ms later (Connection
# Attempt Delay) and wins, so the check costs about 250 ms more than the dialogue, not the
# whole connect timeout it cost when the addresses were tried one after another. The port
# survey still learns that IPv6 is silent (port.ipv6-path-broken), and the whole run waits
# for the silent address once.
. "$TESTDIR/integration/lib.sh"
lab_up
lab_dns
lab_reference

certs="$LAB_TMP/certs"
sh "$TESTDIR/integration/make-fake-certs.sh" "$certs" >/dev/null 2>&1 ||
	fail "make-fake-certs.sh failed"
for a in 192.0.2.10 2001:db8::10; do
	ready="$LAB_TMP/ready.$a"
	ip netns exec "$LAB_N" python3 "$TESTDIR/integration/fake-smtp.py" "$a" 587 \
	    --scenario healthy --tls-cert "$certs/server-chain.pem" --ready-file "$ready" \
	    --idle-timeout 20 2>>"$LAB_TMP/fake.log" &
	LAB_PIDS="$LAB_PIDS $!"
	lab_wait_file "$ready"
done
in_net ip6tables -A INPUT -s 2001:db8::1 -d 2001:db8::10 -j DROP

# A timeout long enough that paying it shows: 5 s, where the race costs 0.25 s. Under
# valgrind (LAB_SLOW) everything is slower, the timeout and the bounds below alike.
LAB_TIMEOUT=$((5 * LAB_SLOW))

# A tree of one node: the SMTP probe alone, so the run's time is the connect plus the
# dialogue (the smtp probe reports no elapsed_ms of its own).
tree="$LAB_TMP/he.tree"
{
	printf '%s\n' 'Tree: he' 'Start: talk' '' 'Node: talk' 'Kind: probe' 'Probe: smtp' \
	    'Title: Talk' 'Arg: host=smtp.lab.test' 'Arg: port=587' 'Arg: security=starttls'
	for o in works works-no-login; do
		printf 'On-%s: fine\n' "$o"
	done
	for o in tls-mismatch starttls-required starttls-unavailable auth-required \
	    credentials-rejected app-password-required mechanism-unsupported locked-out \
	    sender-not-permitted account-restricted certificate-invalid clock-wrong \
	    outdated-tls rate-limited ip-listed spf-rejected smtp-inspection \
	    tls-interception smtp-intercepted plaintext-login-refused server-refused \
	    no-greeting failed; do
		printf 'On-%s: bad\n' "$o"
	done
	printf '%s\n' '' 'Node: fine' 'Kind: conclusion' 'Verdict: healthy' 'Title: Works' \
	    'Text: Works.' '' 'Node: bad' 'Kind: conclusion' 'Verdict: inconclusive' \
	    'Title: Fails' 'Text: Fails.'
} >"$tree"

r="$LAB_TMP/he.json"
sendfix_batch "$r" --tree "$tree" --cafile "$certs/ca.pem"
json_is "$r" '.path[-1]' fine
json_is "$r" '.probes[] | select(.name == "smtp") | .facts.ip' 192.0.2.10
ms=$(jq -r '.elapsed_ms' "$r")
# At least the attempt delay (the IPv6 attempt did start first and was waited for), and far
# below the 5 s timeout: 1.5 s leaves room for TLS on a loaded machine.
# Under valgrind the program's own start takes seconds: only "no timeout paid" holds there.
[ "$ms" -lt $((LAB_TIMEOUT * 1000)) ] ||
	fail "the check took $ms ms: the silent IPv6 address cost a timeout"
if [ "${VALGRIND:-no}" != yes ]; then
	[ "$ms" -ge 240 ] || fail "the check took $ms ms: the IPv6 attempt was not waited for"
	[ "$ms" -lt 1500 ] || fail "the check took $ms ms: the silent IPv6 address cost a timeout"
fi
pass "silent AAAA, working A: connected over IPv4 in $ms ms (timeout $LAB_TIMEOUT s)"

# The same race when IPv6 works: IPv6 is first and wins at once.
in_net ip6tables -F INPUT
r="$LAB_TMP/v6.json"
sendfix_batch "$r" --tree "$tree" --cafile "$certs/ca.pem"
json_is "$r" '.path[-1]' fine
json_is "$r" '.probes[] | select(.name == "smtp") | .facts.ip' 2001:db8::10
ms=$(jq -r '.elapsed_ms' "$r")
if [ "${VALGRIND:-no}" != yes ]; then
	[ "$ms" -lt 240 ] || fail "IPv6 works, yet the check took $ms ms"
fi
pass "both families work: IPv6 first, in $ms ms"

# The diagnosis still sees the silent path: the port survey connects to every address.
in_net ip6tables -A INPUT -s 2001:db8::1 -d 2001:db8::10 -j DROP
LAB_TIMEOUT=$((2 * LAB_SLOW))
r="$LAB_TMP/survey.json"
sendfix_batch "$r" --cafile "$certs/ca.pem" --answer smtp.host=smtp.lab.test \
    --answer smtp.port=587 --answer smtp.security=starttls
json_is "$r" '.probes[] | select(.name == "port-survey") | .outcome' ipv6-broken
json_is "$r" '.causes[0].id' port.ipv6-path-broken
pass "port.ipv6-path-broken still found"
# The matrix and the survey both connect to the silent address; the second one knows it is
# silent already (net.c remembers), so the whole run waits for it once.
ms=$(jq -r '.elapsed_ms' "$r")
[ "$ms" -lt $((2 * LAB_TIMEOUT * 1000)) ] ||
	fail "the run took $ms ms: the silent IPv6 address cost more than one timeout of $LAB_TIMEOUT s"
pass "one timeout for the silent address in the whole run ($ms ms)"
