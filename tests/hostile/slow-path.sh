#!/bin/sh
# Hostile-cases row 76: a slow, lossy path. In the lab's path namespace iptables drops every
# fourth packet to and from smtp.lab.test (the statistic match, nth mode, so the loss does not
# depend on chance), and TCP has to resend. A real Postfix answers behind it. sendfix must
# end cleanly either way: a diagnosis or an honest timeout, a valid report, within the limits
# its timeout sets, with nothing left running. (A greeting lost on the first connection,
# while the SSL/TLS try beside it is greeted at once, makes the check run again rather
# than call port 587 mute: smtp_check_run_pair, tested in check_smtp_check.)
# Then the clocks: sendfix's waits run on CLOCK_MONOTONIC, so a wall clock that races ahead
# (libfaketime, 50 times as fast, the monotonic clock left alone) neither cuts a timeout
# short nor puts a wrong elapsed time in the report.
. "$TESTDIR/integration/lib.sh"
. "$TESTDIR/integration/postfix.sh"
command -v postfix >/dev/null 2>&1 || skip "Postfix is not installed (postfix sasl2-bin libsasl2-modules)"
iptables -m statistic --help >/dev/null 2>&1 || skip "iptables has no statistic match"
lab_up
lab_dns
lab_reference
lab_postfix

good="$LAB_TMP/good.pw"
(umask 077; printf '%s\n' "$LAB_PF_PASS" >"$good")

# wall_ms: the real time, in ms, from outside the program under test.
wall_ms() { echo $(($(date +%s%N) / 1000000)); }

# 1. Control: the same check over a clean path works.
r="$LAB_TMP/clean.json"
sendfix_batch "$r" --cafile "$LAB_CA" --timeout 5 --answer email="$LAB_PF_USER" \
    --answer smtp.host=smtp.lab.test --answer smtp.port=587 --answer smtp.security=starttls \
    --answer smtp.user="$LAB_PF_USER" --answer smtp.password-file="$good"
status_is 0
pass "control: over a clean path the check works"

# 2. Every fourth packet lost, both ways, IPv4 and IPv6.
# loss -A|-D: adds or takes away the rules.
loss() {
	local op=$1 ipt
	for ipt in "iptables 192.0.2.10" "ip6tables 2001:db8::10"; do
		set -- $ipt "$op"
		in_net "$1" "$3" INPUT -d "$2" -p tcp -m statistic --mode nth --every 4 \
		    --packet 0 -j DROP
		in_net "$1" "$3" OUTPUT -s "$2" -p tcp -m statistic --mode nth --every 4 \
		    --packet 1 -j DROP
	done
}
loss -A
r="$LAB_TMP/lossy.json"
t0=$(wall_ms)
sendfix_batch "$r" --cafile "$LAB_CA" --timeout 5 --answer email="$LAB_PF_USER" \
    --answer smtp.host=smtp.lab.test --answer smtp.port=587 --answer smtp.security=starttls \
    --answer smtp.user="$LAB_PF_USER" --answer smtp.password-file="$good"
ms=$(($(wall_ms) - t0))
dropped=$(in_net iptables -nvxL INPUT | awk '/statistic/ { n += $1 } END { print n + 0 }')
[ "$dropped" -gt 0 ] || fail "the loss rule dropped nothing: the test did not test"
case $SENDFIX_STATUS in
0|1|3) ;;
*) fail "over a lossy path sendfix exited $SENDFIX_STATUS: $(cat "$r.stderr")" ;;
esac
# The report is whole: every probe that ran has an outcome and a time; every cause has
# words and a fix.
jq -e '(.probes | length > 0) and all(.probes[]; (.outcome | type == "string") and
    (.elapsed_ms | type == "number")) and all(.causes[]; (.evidence | length > 0) and
    (.fix | length > 0))' "$r" >/dev/null || fail "the report is not whole: $(cat "$r")"
smtp=$(jq -r '.probes[] | select(.name == "smtp") | .outcome' "$r")
cause=""
# A diagnosis other than "it works" has to be one that losing packets can explain: a
# timeout, said as such. (The password was right, so a login failure would be a lie.)
if [ "$SENDFIX_STATUS" != 0 ]; then
	jq -e '[.causes[].id] | all(. != "auth.credentials-rejected")' "$r" >/dev/null ||
		fail "packet loss was reported as a wrong password: $(jq -c .causes "$r")"
	jq -c '.probes[] | select(.name == "smtp")' "$r" |
	    grep -Eqi "within [0-9]+ seconds?|timed? ?out|did not (answer|greet)|no answer" ||
		fail "the smtp probe ended \"$smtp\" without saying it ran out of time: $(jq -c '.probes[] | select(.name == "smtp")' "$r")"
	cause=" ($(jq -r '[.causes[].id] | join(", ")' "$r"))"
fi
# Within what the timeout allows: each step gets 5 s, and the run is more than one step,
# but never a hang (well under the 60 s this bound gives).
[ "$ms" -lt 60000 ] || fail "over a lossy path the run took $ms ms"
# The report's own time is the time that passed (CLOCK_MONOTONIC, not a guess). Under
# valgrind (LAB_SLOW) the program's own start takes seconds the report does not count.
rep=$(jq -r '.elapsed_ms' "$r")
if [ "$LAB_SLOW" = 1 ]; then
	[ "$rep" -le "$ms" ] && [ "$rep" -ge $((ms - 1000)) ] ||
		fail "the report says $rep ms, the run took $ms ms"
fi
pass "row 76: every 4th packet lost ($dropped dropped): exit $SENDFIX_STATUS$cause, smtp \"$smtp\", $ms ms"
loss -D

# 3. The wall clock runs 50 times as fast as the monotonic clock. Port 587 of smtp.lab.test
# drops everything (465 still answers: settings.wrong-port), so the checks of 587 wait out
# their 3 s; on the wall clock that is 150 s, so a timer on the wall clock would give up
# after 60 ms of real time.
faketime=""
for f in /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 /usr/lib/*/faketime/libfaketime.so.1; do
	[ -f "$f" ] && faketime=$f && break
done
[ -n "$faketime" ] || skip "libfaketime is not installed (faketime); the lossy path passed"
# Under valgrind the clocks are valgrind's business and the start-up takes seconds.
[ "$LAB_SLOW" = 1 ] || exit 0
# The wall clock does race under it, or this would test nothing: 0.2 s, counted on the
# monotonic clock, are 10 s on the wall clock. (libfaketime shortens sleeps too, so the
# monotonic clock is watched, not slept on.)
d=$(env LD_PRELOAD="$faketime" FAKETIME="+0 x50" FAKETIME_DONT_FAKE_MONOTONIC=1 \
    python3 -c 'import time
m, w = time.monotonic(), time.time()
while time.monotonic() - m < 0.2:
    pass
print(int(time.time() - w))')
[ "${d:-0}" -ge 5 ] || fail "libfaketime did not speed up the wall clock (0.2 s gave ${d:-nothing})"
r="$LAB_TMP/fast-clock.json"
for ipt in "iptables 192.0.2.10" "ip6tables 2001:db8::10"; do
	set -- $ipt
	in_net "$1" -A INPUT -d "$2" -p tcp --dport 587 -j DROP
done
t0=$(wall_ms)
# ASan wants its runtime first among the libraries; libfaketime only wraps clock calls.
in_client env LD_PRELOAD="$faketime" FAKETIME="+0 x50" FAKETIME_DONT_FAKE_MONOTONIC=1 \
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
    "$SENDFIX" --batch --resolver 192.0.2.53 --reference-host ref.lab.test --timeout 3 \
    --format json --report "$r" --answer email=anna@lab.test \
    --answer smtp.host=smtp.lab.test --answer smtp.port=587 \
    --answer smtp.security=starttls 2>"$r.stderr"
SENDFIX_STATUS=$?
LAB_LAST_REPORT=$r
ms=$(($(wall_ms) - t0))
for ipt in "iptables 192.0.2.10" "ip6tables 2001:db8::10"; do
	set -- $ipt
	in_net "$1" -D INPUT -d "$2" -p tcp --dport 587 -j DROP
done
status_is 1
json_is "$r" '.causes[0].id' settings.wrong-port
# The probe that waited longest waited the 3 s, by the monotonic clock.
pms=$(jq -r '[.probes[].elapsed_ms] | max' "$r")
[ "$pms" -ge 2900 ] && [ "$pms" -lt 6000 ] ||
	fail "with a racing wall clock the 3 s connect wait took $pms ms by the report"
[ "$ms" -ge 2900 ] || fail "with a racing wall clock the run ended after $ms ms, before its 3 s wait"
rep=$(jq -r '.elapsed_ms' "$r")
[ "$rep" -le "$ms" ] && [ "$rep" -ge $((ms - 1000)) ] ||
	fail "with a racing wall clock the report says $rep ms, the run took $ms ms"
pass "row 76: a wall clock 50 times too fast changes no wait: the 3 s wait took $pms ms, the run $ms ms"
