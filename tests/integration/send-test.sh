#!/bin/sh
# --send-test-to against the real Postfix lab (postfix.sh). In batch mode the option is the
# explicit request: after a good login the smtp probe sends one message to the address
# given (DATA, its size in the transcript, "." and a 250 naming the queue id), and Postfix
# logs it taken and discarded under the Message-ID sendfix reports. Without the option, or
# when the login fails, or when the user answers no in --plain, no DATA is ever sent. The
# message never leaves the lab: the lab's Postfix discards everything it accepts.
. "$TESTDIR/integration/lib.sh"
. "$TESTDIR/integration/postfix.sh"
command -v postfix >/dev/null 2>&1 || skip "Postfix is not installed (postfix sasl2-bin libsasl2-modules)"
lab_up
lab_dns
lab_reference
lab_postfix

good="$LAB_TMP/good.pw"
bad="$LAB_TMP/bad.pw"
(umask 077; printf '%s\n' "$LAB_PF_PASS" >"$good"; printf 'Tr0ub4dor&3-canary\n' >"$bad")
friend="friend@example.net"

# check NAME PASSWORD-FILE ARGS...: a batch run against 587 with STARTTLS and a login.
check() {
	r="$LAB_TMP/$1.json"
	pw=$2
	shift 2
	sendfix_batch "$r" --cafile "$LAB_CA" --answer smtp.host=smtp.lab.test \
	    --answer email="$LAB_PF_USER" --answer smtp.port=587 --answer smtp.security=starttls \
	    --answer smtp.user="$LAB_PF_USER" --answer smtp.password-file="$pw" "$@"
	jq -r '.probes[] | select(.name == "smtp") | .transcript[]' "$r" >"$r.t"
}
fact() { jq -r --arg k "$1" '.probes[] | select(.name == "smtp") | .facts[$k]' "$r"; }

# plain ANSWER: --plain through a pipe: Enter keeps every pre-filled answer and passes the
# screen with the settings found for lab.test ("0" for the mail program, what changed, the network and the
# error message question), then ANSWER to the confirmation, which comes right after the
# user name (the password prompt reads nothing without a terminal), then "n": the mail
# program does not still fail.
plain() {
	out="$LAB_TMP/plain-$1.out"
	{ printf '\n\n0\n0\n0\n0\n\n\n\n\n\n%s\nn\n' "$1"; yes '' | head -20; } |
		in_client env TERM=dumb "$SENDFIX" --plain --resolver 192.0.2.53 \
		    --reference-host ref.lab.test --timeout "$LAB_TIMEOUT" --cafile "$LAB_CA" \
		    --answer smtp.host=smtp.lab.test --answer email="$LAB_PF_USER" \
		    --answer smtp.port=587 --answer smtp.security=starttls \
		    --answer smtp.user="$LAB_PF_USER" --answer smtp.password-file="$good" \
		    --send-test-to "$friend" --format json --report "$out.json" >"$out" 2>&1
	plain_status=$?
}

# 1. Asked for, in batch mode: sent and accepted, exit 0.
check sent "$good" --send-test-to "$friend"
status_is 0
json_is "$r" '.causes | length' 0
json_is "$r" '.path[-1]' server-works
grep -q "^C: RCPT TO:<$friend>\$" "$r.t" || fail "RCPT does not name the test recipient: $(cat "$r.t")"
grep -q '^C: DATA$' "$r.t" || fail "no DATA in the transcript: $(cat "$r.t")"
grep -q '^S: 354 ' "$r.t" || fail "no 354 in the transcript"
grep -q '^C: <message: [0-9]* lines, [0-9]* bytes>$' "$r.t" ||
	fail "the transcript does not show the message's size: $(cat "$r.t")"
# The 250 comes after the message's "." and names Postfix's queue id.
sed -n '/^C: <message: /,$p' "$r.t" | grep -q '^S: 250 2.0.0 Ok: queued as [0-9A-F]' ||
	fail "no 250 after the message: $(cat "$r.t")"
grep -q -e 'No reply is needed' -e '^C: Subject' "$r.t" && fail "the message's lines are in the transcript"
grep -q '^C: RSET' "$r.t" && fail "RSET after a whole message"
[ "$(fact test-message)" = sent ] || fail "test-message is \"$(fact test-message)\", expected sent"
fact test-message-reply | grep -q '^250 ' || fail "no server reply in the facts"
queue=$(fact test-message-reply | sed -n 's/.*queued as \([0-9A-F]*\).*/\1/p')
msgid=$(fact test-message-id)
[ -n "$queue" ] && [ -n "$msgid" ] || fail "no queue id or Message-ID in the facts"
# Postfix logs the Message-ID when cleanup takes the message, then discards it.
i=0
until grep -q "$queue: to=<$friend>.*status=sent" "$LAB_PF_LOG"; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "Postfix did not log the test message as discarded: $(grep "$queue" "$LAB_PF_LOG")"
	sleep 0.05
done
grep -qF "$queue: message-id=$msgid" "$LAB_PF_LOG" ||
	fail "Postfix did not log the Message-ID $msgid: $(grep "$queue" "$LAB_PF_LOG")"
grep -q -e "$LAB_PF_PASS" -e canary "$r" "$r.stderr" && fail "a password reached the report"
pass "batch --send-test-to: DATA, 250 $queue, Postfix logged $msgid and discarded it"

# 2. Not asked for: the envelope check alone, never DATA.
check notasked "$good"
status_is 0
grep -q "^C: RCPT TO:<$LAB_PF_USER>\$" "$r.t" || fail "no RCPT to the user's own address"
grep -q '^C: DATA' "$r.t" && fail "DATA was sent without --send-test-to"
grep -q '^C: RSET$' "$r.t" || fail "no RSET after the envelope check"
[ "$(fact test-message)" = "not asked" ] || fail "test-message is \"$(fact test-message)\""
pass "without --send-test-to: no DATA"

# 3. Asked for, but the login fails: nothing is sent.
check badlogin "$bad" --send-test-to "$friend"
status_is 1
grep -q -e '^C: DATA' -e '^C: MAIL' "$r.t" && fail "the envelope or DATA went out after a failed login"
[ "$(fact test-message)" = "not sent" ] || fail "test-message is \"$(fact test-message)\""
pass "a failed login sends no test message"

# 4. --plain asks first: "n" (or Enter) sends nothing, "y" sends.
plain n
[ "$plain_status" = 0 ] || fail "plain mode exited $plain_status: $(cat "$out")"
grep -q 'real test message to friend@example.net' "$out" || fail "no confirmation asked: $(cat "$out")"
grep -q 'Answer y/N' "$out" || fail "the confirmation does not offer y/N"
jq -r '.probes[] | select(.name == "smtp") | .transcript[]' "$out.json" | grep -q '^C: DATA' &&
	fail "DATA was sent after the user said no"
plain y
[ "$plain_status" = 0 ] || fail "plain mode exited $plain_status: $(cat "$out")"
jq -r '.probes[] | select(.name == "smtp") | .transcript[]' "$out.json" | grep -q '^C: DATA$' ||
	fail "no DATA after the user said yes: $(cat "$out")"
grep -q 'A test message to friend@example.net was accepted' "$out" ||
	fail "plain mode does not say the message was accepted: $(cat "$out")"
pass "--plain asks before sending: no sends nothing, yes sends"

pass "--send-test-to: sent only when asked and confirmed, after a good login; Postfix took and discarded it"
