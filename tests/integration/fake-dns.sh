#!/bin/sh
# Malformed DNS answers (hostile cases 29, 30, 31, 60): tests/integration/fake-dns.py takes
# the place of the lab's dnsmasq on 192.0.2.53, one scenario at a time (compression loops,
# pointers past the end, counts and lengths that lie, TC, garbage, a wrong id, a short
# header, SERVFAIL, a 64 KiB TCP answer, a slow server). For each, sendfix --batch and
# tests/dns-query (MX, TXT, SRV, PTR) must end with an exit status of their own (never a
# signal), sendfix's report must be valid JSON with a resolve outcome that fits (never "ok"
# with addresses the lab does not have), dns-query must print a status and a note for
# malformed records, and every run must stay within a bound of --timeout.
. "$TESTDIR/integration/lib.sh"

# In the valgrind pass $SENDFIX is tests/valgrind-wrap.sh and $SENDFIX_REAL the binary.
DNSQ="$(dirname "${SENDFIX_REAL:-$SENDFIX}")/tests/dns-query"
[ -x "$DNSQ" ] || skip "tests/dns-query is not built"
FAKE="$TESTDIR/integration/fake-dns.py"

# Scenarios whose check is known to fail because of a reported bug in src/dns.c: a
# failure is shown as XFAIL and does not fail the test; a pass says to take it out.
#   (none: wrong-id, a reply with another query id, was one until dns.c compared the id.)
KNOWN_BUGS=""

lab_up
lab_reference
lab_server 587

FAKE_PID=""
# fake_start SCENARIO: fake-dns.py on 192.0.2.53:53, UDP and TCP, instead of lab_dns.
fake_start() {
	rm -f "$LAB_TMP/dns.ready"
	# Not through in_net, so that $! is the server itself, not a subshell.
	ip netns exec "$LAB_N" python3 "$FAKE" --scenario "$1" --ready-file "$LAB_TMP/dns.ready" \
	    192.0.2.53 53 >"$LAB_TMP/dns-$1.log" 2>&1 &
	FAKE_PID=$!
	LAB_PIDS="$LAB_PIDS $FAKE_PID"
	lab_wait_file "$LAB_TMP/dns.ready"
}
fake_stop() {
	[ -n "$FAKE_PID" ] || return 0
	kill "$FAKE_PID" 2>/dev/null
	wait "$FAKE_PID" 2>/dev/null
	LAB_PIDS=$(echo " $LAB_PIDS " | sed "s/ $FAKE_PID / /")
	FAKE_PID=""
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# A case's checks append to $problems instead of failing at once, so that a known bug
# can be told apart and every scenario still runs.
problems=""
problem() { problems="$problems
  $*"; }

# exit_ok WHAT STATUS ALLOWED...: STATUS is one of ALLOWED (never 128+signal).
exit_ok() {
	what=$1 st=$2
	shift 2
	for a in "$@"; do
		[ "$st" = "$a" ] && return 0
	done
	if [ "$st" -ge 128 ]; then
		problem "$what died of signal $((st - 128))"
	else
		problem "$what exited $st, expected one of: $*"
	fi
}

# sanitizer_clean WHAT FILE: no AddressSanitizer or UBSan report in FILE.
sanitizer_clean() {
	if grep -qE 'Sanitizer|runtime error' "$2"; then
		problem "$1: sanitizer report: $(grep -E -m3 'Sanitizer|runtime error' "$2")"
	fi
}

# one_of VALUE ALLOWED...
one_of() {
	v=$1
	shift
	for a in "$@"; do
		[ "$v" = "$a" ] && return 0
	done
	return 1
}

# Seconds: --timeout for both programs; glibc waits the whole of it once, the TCP retry
# after TC once more. The bounds leave room for a loaded machine.
# The slow server's delay is fixed, so the timeout stays 2 s under valgrind too (LAB_SLOW):
# these cases wait on DNS, not on work.
LAB_TIMEOUT=2
T=$LAB_TIMEOUT
DNSQ_BOUND_MS=$(((2 * T + 2) * 1000))
SENDFIX_BOUND_MS=45000
RESOLVE_BOUND_MS=$(((2 * T + 2) * 1000))

# run_case ROW SCENARIO "RESOLVE OUTCOMES" "MX TXT SRV PTR STATUS" NOTE-TYPES
#   RESOLVE OUTCOMES: the resolve probe outcomes that fit the scenario.
#   STATUS per type: the dns-query status expected for mx, txt, srv and ptr ("x|y": either).
#   NOTE-TYPES: the types whose dns-query output must carry a note ("-": none).
run_case() {
	row=$1 scen=$2 outcomes=$3 statuses=$4 notes=$5
	name="row $row: $scen"
	[ "$row" = - ] && name="$scen"
	problems=""
	fake_start "$scen"

	# (a) sendfix --batch against the fake resolver.
	r="$LAB_TMP/$scen.json"
	t0=$(now_ms)
	sendfix_batch "$r" --answer smtp.host=smtp.lab.test --answer smtp.port=587 \
	    --answer email=anna@lab.test
	sf_ms=$(($(now_ms) - t0))
	exit_ok sendfix "$SENDFIX_STATUS" 0 1 2 3
	# ASan exits 1, which is also "a cause found": look for its report too.
	sanitizer_clean sendfix "$r.stderr"
	[ "$sf_ms" -le "$SENDFIX_BOUND_MS" ] || problem "sendfix took $sf_ms ms"
	out=$(jq -r '.probes[] | select(.name == "resolve") | .outcome' "$r")
	rms=$(jq -r '.probes[] | select(.name == "resolve") | .elapsed_ms' "$r")
	addrs=$(jq -r '.probes[] | select(.name == "resolve") | .facts.addresses // ""' "$r")
	# shellcheck disable=SC2086
	one_of "$out" $outcomes || problem "resolve outcome \"$out\", expected one of: $outcomes"
	[ "${rms:-0}" -le "$RESOLVE_BOUND_MS" ] || problem "the resolve probe took $rms ms"
	if [ "$out" = ok ]; then
		for a in $addrs; do
			one_of "$a" 192.0.2.10 2001:db8::10 ||
			    problem "resolve gave an address the lab does not have: $a"
		done
	fi
	causes=$(jq -r '[.causes[].id] | join(",")' "$r")

	# (b) tests/dns-query for MX, TXT, SRV and PTR of the same name, at once.
	t0=$(now_ms)
	pids=""
	for t in mx txt srv ptr; do
		in_client "$DNSQ" -r 192.0.2.53 -t "$T" "$t" smtp.lab.test \
		    >"$LAB_TMP/$scen.$t" 2>&1 &
		pids="$pids $!"
	done
	i=0
	summary=""
	for p in $pids; do
		i=$((i + 1))
		t=$(echo mx txt srv ptr | cut -d' ' -f$i)
		want=$(echo "$statuses" | cut -d' ' -f$i)
		wait "$p"
		st=$?
		f="$LAB_TMP/$scen.$t"
		exit_ok "dns-query $t" "$st" 0
		sanitizer_clean "dns-query $t" "$f"
		got=$(sed -n 's/^status: //p' "$f")
		# shellcheck disable=SC2046
		one_of "$got" $(echo "$want" | tr '|' ' ') ||
		    problem "dns-query $t: status \"$got\", expected $want: $(cat "$f")"
		case " $notes " in
		*" $t "*)
			grep -q '^note: ' "$f" || problem "dns-query $t: no note: $(cat "$f")"
			;;
		esac
		# A malformed record must never come out as data.
		n=$(grep -c "^$t " "$f")
		[ "$n" -le 64 ] || problem "dns-query $t: $n records, more than DNS_MAX_RECORDS"
		summary="$summary $t=$got/$n"
	done
	dq_ms=$(($(now_ms) - t0))
	[ "$dq_ms" -le "$DNSQ_BOUND_MS" ] || problem "dns-query took $dq_ms ms"
	fake_stop

	echo "  $scen: sendfix exit $SENDFIX_STATUS in $sf_ms ms, resolve $out in ${rms}ms" \
	    "[$addrs], causes [$causes]; dns-query$summary in $dq_ms ms"
	if [ -z "$problems" ]; then
		case " $KNOWN_BUGS " in
		*" $scen "*) echo "XPASS: $name (take it out of KNOWN_BUGS)" ;;
		*) pass "$name" ;;
		esac
	else
		case " $KNOWN_BUGS " in
		*" $scen "*) echo "XFAIL: $name (known bug):$problems" ;;
		*) fail "$name:$problems
$(tail -5 "$LAB_TMP/dns-$scen.log")" ;;
		esac
	fi
}

# Outcome sets: a broken answer says something about the resolver, never about the name
# being fine; "nodata" is dns.h's word for an answer whose records were all malformed.
BROKEN="nodata server-failure timeout resolver-failure"
SILENT="timeout resolver-failure"

run_case 30 compression-loop "$BROKEN" "nodata nodata nodata nodata" "mx txt srv ptr"
run_case 30 pointer-forward "$BROKEN" "nodata nodata nodata nodata" "mx txt srv ptr"
# Row 31: per-record errors, continue with what is valid: the one real record is kept.
run_case 31 lying-counts "ok" "ok ok ok ok" "mx txt srv ptr"
run_case 31 rdlength-long "$BROKEN" "nodata nodata nodata nodata" "mx txt srv ptr"
run_case 31 rdlength-short "$BROKEN" "nodata nodata nodata nodata" "mx txt srv ptr"
run_case 31 mx-bad "ok" "nodata ok ok ok" "mx"
run_case 31 txt-overrun "ok" "ok ok ok ok" "txt"
run_case 29 truncated-udp "ok" "ok ok ok ok" "mx txt srv ptr"
run_case 60 truncated-both "$SILENT" "truncated truncated truncated truncated" "mx txt srv ptr"
run_case - garbage "$SILENT" "timeout timeout timeout timeout" -
run_case - wrong-id "$SILENT" "timeout timeout timeout timeout" -
run_case - short-header "$SILENT" "timeout timeout timeout timeout" -
run_case 60 servfail "server-failure resolver-failure" "servfail servfail servfail servfail" -
run_case 29 huge "ok" "ok ok ok ok" "mx txt srv ptr"
run_case 60 slow "$SILENT" "timeout timeout timeout timeout" -
