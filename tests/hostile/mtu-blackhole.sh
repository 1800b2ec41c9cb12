#!/bin/sh
# hostile-cases row 67: a large-packet black hole. In the lab's net namespace iptables drops
# every packet the server sends that is longer than a threshold (the row's 1200 bytes scaled
# to the lab: its ECDSA certificates make a TLS flight of about 1100 bytes, so 600), the way
# a VPN with a smaller MTU and blocked ICMP "fragmentation needed" does. The greeting, EHLO
# and the 220 to STARTTLS are small and pass; the server's certificates never arrive.
# sendfix must end with a handshake timeout within its limits and say it may be an MTU
# problem; without the rule the same server works (the control).
. "$TESTDIR/integration/lib.sh"
command -v certtool >/dev/null 2>&1 || skip "needs certtool (gnutls-bin)"
in_len() { iptables -m length --help >/dev/null 2>&1; }
in_len || skip "iptables has no length match"
lab_up
lab_dns
certs="$LAB_TMP/certs"
sh "$TESTDIR/integration/make-fake-certs.sh" "$certs" >/dev/null 2>&1 ||
	fail "make-fake-certs.sh failed"
ip netns exec "$LAB_N" python3 "$TESTDIR/integration/fake-smtp.py" 192.0.2.10 587 \
    --scenario healthy --tls-cert "$certs/server-chain.pem" \
    --ready-file "$LAB_TMP/ready" --idle-timeout 20 2>"$LAB_TMP/fake.log" &
LAB_PIDS="$LAB_PIDS $!"
lab_wait_file "$LAB_TMP/ready"

out="$LAB_TMP/probe.json"
probe() {
	in_client "$SENDFIX" probe smtp smtp.lab.test --port 587 --security starttls \
	    --resolver 192.0.2.53 --timeout "$LAB_TIMEOUT" --cafile "$certs/ca.pem" \
	    --format json >"$out" 2>"$out.stderr"
	SENDFIX_STATUS=$?
	LAB_LAST_REPORT=$out
}

# Control: the path carries large packets, the handshake works.
probe
status_is 0
[ "$(jq -r '.tls.protocol // empty' "$out")" != "" ] ||
	fail "control: no TLS session: $(cat "$out")"
pass "control: without the black hole the handshake works"

for ipt in iptables ip6tables; do
	in_net "$ipt" -A OUTPUT -p tcp --sport 587 -m length --length 600:65535 -j DROP ||
		fail "$ipt: cannot add the length rule"
done
start=$(date +%s)
probe
took=$(( $(date +%s) - start ))
json_is "$out" .failure tls-failed
expl=$(jq -r .explanation "$out")
case $expl in
*"did not answer the TLS handshake"*MTU*) ;;
*) fail "no handshake timeout with an MTU hint: $expl" ;;
esac
# Connect, greeting, EHLO, STARTTLS and the handshake each have the step limit at most.
[ "$took" -le $((LAB_TIMEOUT * 3 + 2)) ] || fail "the black hole held sendfix ${took} s"
dropped=$(in_net iptables -vnxL OUTPUT | awk '/length 600:65535/ { print $1; exit }')
[ "${dropped:-0}" -gt 0 ] || fail "the rule dropped nothing: the test did not test"
pass "large packets dropped ($dropped): handshake timeout after ${took} s with the MTU hint"
