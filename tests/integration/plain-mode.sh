#!/bin/sh
# --plain through a pipe with TERM=dumb: numbered choices, "?" help, "b" back, a diagnosis.
. "$TESTDIR/integration/lib.sh"
lab_up
lab_dns
lab_reference
lab_server 465

out="$LAB_TMP/plain.out"
# welcome (Enter), email, the error message, what changed and the network "0" (don't
# know), host, port "?" then 588, back, 587, security by number (1 =
# STARTTLS), then the probes run and the diagnosis is printed.
printf '\nanna@lab.test\n0\n0\n0\n0\nsmtp.lab.test\n?\n588\nb\n587\n1\n' |
	in_client env TERM=dumb "$SENDFIX" --plain --resolver 192.0.2.53 \
	    --reference-host ref.lab.test --timeout "$LAB_TIMEOUT" >"$out" 2>&1
st=$?
[ "$st" = 1 ] || fail "plain mode exited $st, expected 1: $(cat "$out")"
grep -q 'Outgoing server port' "$out" || fail "the port question was not shown"
grep -q 'Most providers use' "$out" || fail "the help text was not shown after ?"
grep -q '1) STARTTLS' "$out" || fail "the choices are not numbered"
grep -q 'port field, enter 465' "$out" || fail "no fix steps in the result: $(cat "$out")"
grep -q "$(printf '\033')" "$out" && fail "escape codes in plain output"
pass "plain mode through a pipe reaches settings.wrong-port"

# q quits: exit 3, nothing diagnosed.
printf 'q\n' | in_client env TERM=dumb "$SENDFIX" --plain >/dev/null 2>&1
st=$?
[ "$st" = 3 ] || fail "q exited $st, expected 3"
pass "q quits with status 3"
