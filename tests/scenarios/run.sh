#!/bin/sh
# run.sh [PATTERN...]: the scenario suite (tests/scenarios/README). Runs every scenario
# whose directory name matches one of the shell PATTERNs (default: all), each in its own
# lab (tests/integration/lib.sh) in a process of its own, so the lab, its servers and its
# firewall rules go when the scenario ends. Per scenario, sendfix --batch runs twice with
# the scenario's answers: --format json (causes[0].id and the exit status checked), then
# --format text, whose report is masked (times, durations, temporary paths, fingerprints)
# and compared with NAME/expected-report.txt. SCENARIO_UPDATE=1 rewrites those files
# instead of comparing.
#
# Internal: run.sh --one DIR runs a single scenario (what the loop below starts).

set -u
: "${SENDFIX:?SENDFIX must name the sendfix binary}"
: "${TESTDIR:?TESTDIR must name the tests directory}"
SCEN_ROOT="$TESTDIR/scenarios"
SELF="$SCEN_ROOT/run.sh"

# scen_mask: the text report on stdin with what changes from run to run replaced: also
# the days between a fixed date in a server's banner and today, and the address our EHLO
# names, which is the one Happy Eyeballs or an earlier check of the same run connected
# from (IPv4 or IPv6, whichever won).
scen_mask() {
	sed -E \
	    -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2}| UTC| GMT)?/<TIME>/g' \
	    -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}/<DATE>/g' \
	    -e 's/(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{1,2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8}( [+-][0-9]{4}| GMT| UTC)?/<TIME>/g' \
	    -e 's/[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [0-9]{4}( GMT| UTC)?/<TIME>/g' \
	    -e 's/\b[0-9]+(\.[0-9]+)? ?(ms|milliseconds?)\b/<N> ms/g' \
	    -e 's/\b[0-9]+(\.[0-9]+)? ?(s|seconds?)\b/<N> s/g' \
	    -e 's/(elapsed-ms|elapsed_ms|took-ms) = [0-9]+/\1 = <N>/g' \
	    -e 's#(/tmp|/var/tmp)?/sendfix-lab\.[A-Za-z0-9]+#<LAB>#g' \
	    -e 's/\b([0-9A-Fa-f]{2}:){3,}[0-9A-Fa-f]{2}\b/<FINGERPRINT>/g' \
	    -e 's/\b[0-9A-Fa-f]{40,}\b/<HEX>/g' \
	    -e 's/(serial|Serial)( number)?( =|:)? *[0-9A-Fa-f:]{6,}/\1 <SERIAL>/g' \
	    -e 's/S: 334 [A-Za-z0-9+\/=]{20,}$/S: 334 <CHALLENGE>/' \
	    -e 's/\b(port|Port) [0-9]{5}\b/\1 <EPHEMERAL>/g' \
	    -e 's/<sendfix\.[0-9a-f]{16,}@/<sendfix.<ID>@/g' \
	    -e 's/sendfix [0-9]+\.[0-9]+(\.[0-9]+)?[^ ]*/sendfix <VERSION>/g' \
	    -e 's/\b[0-9]+ days (ahead|behind)/<N> days \1/g' \
	    -e 's/EHLO \[(IPv6:[0-9a-fA-F:]+|[0-9.]+)\]/EHLO [<OUR-ADDRESS>]/g'
}

# ---- helpers the scenario files use --------------------------------------------------

# scen_password [good|bad]: $SCEN_PW, a password file (the lab Postfix's password, or one
# it refuses).
scen_password() {
	SCEN_PW="$LAB_TMP/pw"
	if [ "${1:-good}" = good ]; then
		(umask 077; printf '%s\n' "$LAB_PF_PASS" >"$SCEN_PW")
	else
		(umask 077; printf 'Tr0ub4dor&3-wrong\n' >"$SCEN_PW")
	fi
}

# scen_certs: the scripted server's certificates (make-fake-certs.sh) in $SCEN_CERTS.
scen_certs() {
	SCEN_CERTS="$LAB_TMP/certs"
	[ -f "$SCEN_CERTS/ca.pem" ] && return 0
	sh "$TESTDIR/integration/make-fake-certs.sh" "$SCEN_CERTS" >/dev/null 2>&1 ||
		fail "make-fake-certs.sh failed"
}

# scen_fake PORT SCENARIO [fake-smtp.py options]: the scripted server (fake-smtp.py) as
# smtp.lab.test on 192.0.2.10:PORT, as tests/integration/smtp-causes.sh starts it.
scen_fake() {
	local port=$1 scen=$2 ready="$LAB_TMP/fake.ready"
	shift 2
	rm -f "$ready"
	ip netns exec "$LAB_N" python3 "$TESTDIR/integration/fake-smtp.py" 192.0.2.10 "$port" \
	    --scenario "$scen" --ready-file "$ready" --idle-timeout 20 "$@" \
	    2>>"$LAB_TMP/fake.log" &
	LAB_PIDS="$LAB_PIDS $!"
	lab_wait_file "$ready"
}

# ---- one scenario --------------------------------------------------------------------

scen_one() {
	# Prefixed names: the scenario's setup runs inside this function.
	local sc_dir=$1 sc_name sc_expected sc_json sc_txt sc_masked sc_st
	sc_name=$(basename "$sc_dir")
	. "$TESTDIR/integration/lib.sh"
	. "$TESTDIR/integration/postfix.sh"
	NEEDS_POSTFIX=0
	EXPECT_CAUSE=""
	EXPECT_CAUSES=""
	EXPECT_STATUS=""
	ARGS=""
	. "$sc_dir/scenario"
	[ -n "$EXPECT_STATUS" ] || fail "$sc_name: the scenario sets no EXPECT_STATUS"
	[ -n "$EXPECT_CAUSE" ] || fail "$sc_name: the scenario sets no EXPECT_CAUSE (none for no cause)"
	if [ "$NEEDS_POSTFIX" = 1 ]; then
		command -v postfix >/dev/null 2>&1 ||
			skip "$sc_name: Postfix is not installed (postfix sasl2-bin libsasl2-modules)"
	fi
	lab_up
	setup
	# ARGS is expanded now, after setup, so it may name files setup made; quoting in it
	# holds, and it may run over several lines.
	eval "set -- $(printf '%s' "$ARGS" | tr '\n' ' ')"

	sc_json="$LAB_TMP/report.json"
	sendfix_batch "$sc_json" "$@"
	status_is "$EXPECT_STATUS"
	if [ "$EXPECT_CAUSE" = none ]; then
		json_is "$sc_json" '.causes | length' 0
	else
		json_is "$sc_json" '.causes[0].id' "$EXPECT_CAUSE"
	fi
	# Optional: every cause in order, with its role ("main", "alternative", "also-found").
	[ -z "$EXPECT_CAUSES" ] ||
		json_is "$sc_json" '[.causes[] | .id + ":" + .role] | join(" ")' "$EXPECT_CAUSES"

	sc_txt="$LAB_TMP/report.txt"
	in_client "$SENDFIX" --batch --resolver 192.0.2.53 --reference-host ref.lab.test \
	    --timeout "$LAB_TIMEOUT" --format text --report "$sc_txt" "$@" 2>"$sc_txt.stderr"
	sc_st=$?
	[ "$sc_st" = "$EXPECT_STATUS" ] ||
		fail "$sc_name: the text run exited $sc_st, expected $EXPECT_STATUS: $(cat "$sc_txt" "$sc_txt.stderr")"
	sc_masked="$LAB_TMP/report.masked"
	scen_mask <"$sc_txt" >"$sc_masked"
	sc_expected="$sc_dir/expected-report.txt"
	if [ "${SCENARIO_UPDATE:-0}" = 1 ]; then
		cp "$sc_masked" "$sc_expected" || fail "$sc_name: cannot write $sc_expected"
		pass "$sc_name: $EXPECT_CAUSE, exit $EXPECT_STATUS (expected-report.txt written)"
		return 0
	fi
	[ -f "$sc_expected" ] || fail "$sc_name: no expected-report.txt (make one with SCENARIO_UPDATE=1)"
	if ! diff -u "$sc_expected" "$sc_masked" >"$LAB_TMP/report.diff"; then
		sed "s#$LAB_TMP/report.masked#the text report (masked)#" "$LAB_TMP/report.diff"
		fail "$sc_name: the text report differs from expected-report.txt (diff above; SCENARIO_UPDATE=1 rewrites it)"
	fi
	pass "$sc_name: $EXPECT_CAUSE, exit $EXPECT_STATUS"
}

if [ "${1:-}" = --one ]; then
	scen_one "${2:?run.sh --one DIR}"
	exit 0
fi

# ---- the suite -----------------------------------------------------------------------

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to create network namespaces"; exit 77; }
[ $# -gt 0 ] || set -- '*'
start=$(date +%s)
ran=0 failed="" skipped=0
for d in "$SCEN_ROOT"/*/; do
	d=${d%/}
	[ -f "$d/scenario" ] || continue
	name=$(basename "$d")
	match=0
	for pat in "$@"; do
		# shellcheck disable=SC2254
		case $name in $pat) match=1 ;; esac
	done
	[ $match = 1 ] || continue
	t0=$(date +%s.%N)
	sh "$SELF" --one "$d" 2>&1
	rc=$?
	echo "  ($name: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s)"
	case $rc in
	0) ran=$((ran + 1)) ;;
	77) skipped=$((skipped + 1)) ;;
	*) failed="$failed $name" ;;
	esac
done
echo "scenarios: $ran passed, $skipped skipped, failed:${failed:- none}; $(($(date +%s) - start)) s"
[ -z "$failed" ] || exit 1
[ $ran -gt 0 ] || exit 77
exit 0
