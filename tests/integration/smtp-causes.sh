#!/bin/sh
# Provider codes and middleboxes no real server in the lab produces, from the scripted
# server (fake-smtp.py) at smtp.lab.test: each reaches its cause through `sendfix --batch`
# and the default tree, and the password never reaches a report.
. "$TESTDIR/integration/lib.sh"
lab_up
lab_dns
lab_reference

certs="$LAB_TMP/certs"
sh "$TESTDIR/integration/make-fake-certs.sh" "$certs" >/dev/null 2>&1 ||
	fail "make-fake-certs.sh failed"
pw="$LAB_TMP/pw"
(umask 077; printf 'canary-Pa55word\n' >"$pw")

FAKE_PID=""
# fake PORT SCENARIO [fake-smtp.py options]: the scripted server on 192.0.2.10:PORT.
fake() {
	local port=$1 scen=$2 ready="$LAB_TMP/ready.$$"
	shift 2
	fake_stop
	rm -f "$ready"
	ip netns exec "$LAB_N" python3 "$TESTDIR/integration/fake-smtp.py" 192.0.2.10 "$port" \
	    --scenario "$scen" --ready-file "$ready" --idle-timeout 20 "$@" \
	    2>>"$LAB_TMP/fake.log" &
	FAKE_PID=$!
	LAB_PIDS="$LAB_PIDS $FAKE_PID"
	local i=0
	until [ -s "$ready" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "fake-smtp.py did not start: $(tail -5 "$LAB_TMP/fake.log")"
		sleep 0.1
	done
}
fake_stop() {
	[ -n "$FAKE_PID" ] || return 0
	kill "$FAKE_PID" 2>/dev/null
	wait "$FAKE_PID" 2>/dev/null
	FAKE_PID=""
}

# expect NAME CAUSE PORT SECURITY [sendfix options]: one batch run with a login.
expect() {
	local name=$1 cause=$2 port=$3 sec=$4
	shift 4
	r="$LAB_TMP/$name.json"
	sendfix_batch "$r" --cafile "$certs/ca.pem" --answer email=anna@lab.test \
	    --answer smtp.host=smtp.lab.test --answer smtp.port="$port" \
	    --answer smtp.security="$sec" --answer smtp.user=anna@lab.test \
	    --answer smtp.password-file="$pw" "$@"
	if grep -q canary "$r" "$r.stderr"; then
		fail "$name: the password reached the report"
	fi
	if [ "$cause" = none ]; then
		json_is "$r" '.causes | length' 0
	else
		status_is 1
		json_is "$r" '.causes[0].id' "$cause"
	fi
	pass "$name: ${cause}"
}
chain="--tls-cert $certs/server-chain.pem"

# Provider replies (field-notes.md).
fake 587 auth-534-app-password $chain
expect app-password auth.app-password-required 587 starttls
fake 587 auth-ms-basic-disabled $chain
expect ms-basic-auth auth.mechanism-unsupported 587 starttls
fake 587 oauth-only $chain
expect oauth-only auth.mechanism-unsupported 587 starttls
fake 587 auth-locked $chain
expect locked auth.locked-out 587 starttls
fake 587 mail-550-5.7.60 $chain
expect send-as settings.sender-not-permitted 587 starttls
fake 587 mail-550-5.1.8 $chain
expect restricted spam.account-restricted 587 starttls
fake 587 rate-limited $chain
expect rate-limited isp.rate-limited 587 starttls
fake 587 quota-exceeded $chain
expect quota isp.rate-limited 587 starttls
# A receiver's SPF/DMARC refusal arrives only after the message: with a test message.
fake 587 spf-550-5.7.26 $chain
expect spf-after-data dns.spf-missing 587 starttls --send-test-to friend@example.net
fake 587 content-spam $chain
expect content spam.content-rejected 587 starttls --send-test-to friend@example.net
fake 587 blocklisted-greeting $chain
expect blocklisted spam.ip-listed 587 starttls
fake 587 starttls-required $chain
expect starttls-required settings.starttls-required 587 none

# Middleboxes.
fake 587 cisco-inspection $chain
expect inspection firewall.smtp-inspection 587 starttls
fake 25 intercepted
expect intercepted isp.smtp-intercepted 25 none
fake 465 healthy --tls-cert "$certs/avast-chain.pem" --implicit-tls
expect av-untrusted antivirus.tls-interception 465 tls
# The same after the user imported the product's root: the chain verifies, the issuer tells.
fake 465 healthy --tls-cert "$certs/avast-chain.pem" --implicit-tls
expect av-trusted antivirus.tls-interception 465 tls --cafile "$certs/avast-root.pem"

# Certificates and encryption.
fake 465 healthy --tls-cert "$certs/self-signed-chain.pem" --implicit-tls
expect self-signed tls.certificate-invalid 465 tls
fake 587 clock-skewed --tls-cert "$certs/expired-chain.pem"
expect clock client.clock-wrong 587 starttls
fake 465 healthy $chain --implicit-tls --tls-max 1.1
expect old-tls tls.outdated-protocol 465 tls
fake 465 plain-on-465 $chain --implicit-tls
expect plain-on-465 settings.tls-mismatch 465 tls

# Hostile: STARTTLS injection (hostile-cases row 2) is never used and no login follows.
fake 587 starttls-injection $chain
r="$LAB_TMP/inject.json"
sendfix_batch "$r" --cafile "$certs/ca.pem" --answer email=anna@lab.test \
    --answer smtp.host=smtp.lab.test --answer smtp.port=587 --answer smtp.security=starttls \
    --answer smtp.user=anna@lab.test --answer smtp.password-file="$pw"
status_is 3
jq -r '.probes[] | select(.name == "smtp") | .transcript[]' "$r" | grep -q '^C: AUTH' &&
	fail "a login followed an injected STARTTLS reply"
pass "an injected reply after STARTTLS ends the conversation before any login"

# A greeting dripped a byte a second cannot hold the probe past its limits.
fake 587 drip $chain
start=$(date +%s)
r="$LAB_TMP/drip.json"
sendfix_batch "$r" --cafile "$certs/ca.pem" --answer smtp.host=smtp.lab.test \
    --answer smtp.port=587 --answer smtp.security=starttls
took=$(( $(date +%s) - start ))
json_is "$r" '.probes[] | select(.name == "smtp") | .outcome' no-greeting
[ "$took" -le $((LAB_TIMEOUT * 4 + 3)) ] || fail "a dripping server held sendfix for ${took}s"
pass "a dripping greeting: no-greeting after ${took}s (limit ${LAB_TIMEOUT}s a step)"
fake_stop
