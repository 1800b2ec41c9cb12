#!/bin/sh
# coverage.sh: the scenario suite stays complete without running it: every cause in the
# catalogue (wizard/causes.c) is some scenario's EXPECT_CAUSE, "healthy" expects none, each
# scenario has its expected-report.txt, and each is run by exactly one part (the
# SCEN_PATTERNS of settings.sh, network.sh, records.sh and server.sh).
set -u
: "${TESTDIR:?TESTDIR must name the tests directory}"
: "${TOPSRCDIR:?TOPSRCDIR must name the source directory}"
root="$TESTDIR/scenarios"
bad=0
complain() { echo "FAIL: $*"; bad=1; }

causes=$(sed -n 's/^[[:space:]]*{ "\([a-z0-9]*\.[a-z0-9.-]*\)", [0-9].*/\1/p' "$TOPSRCDIR/wizard/causes.c")
[ "$(echo "$causes" | wc -l)" -ge 30 ] || complain "found only $(echo "$causes" | wc -l) causes in wizard/causes.c"

expects=""
for d in "$root"/*/; do
	d=${d%/}
	[ -f "$d/scenario" ] || continue
	name=$(basename "$d")
	cause=$(sed -n 's/^EXPECT_CAUSE=//p' "$d/scenario")
	[ -n "$cause" ] || complain "$name: no EXPECT_CAUSE"
	expects="$expects $cause"
	case $name in
	"$cause" | "$cause"-*) ;;
	healthy) [ "$cause" = none ] || complain "healthy expects $cause" ;;
	*) complain "$name: the name does not start with its cause $cause" ;;
	esac
	[ -f "$d/expected-report.txt" ] || complain "$name: no expected-report.txt"
	n=0
	for part in settings network records server; do
		pats=$(sed -n "s/^SCEN_PATTERNS='\(.*\)'$/\1/p" "$root/$part.sh")
		set -f
		for p in $pats; do
			# shellcheck disable=SC2254
			case $name in $p) n=$((n + 1)) ;; esac
		done
		set +f
	done
	[ $n = 1 ] || complain "$name: run by $n parts of the suite, not one"
done
for c in $causes; do
	case " $expects " in
	*" $c "*) ;;
	*) complain "no scenario reaches $c" ;;
	esac
done
case " $expects " in *" none "*) ;; *) complain "no healthy scenario" ;; esac
[ $bad = 0 ] || exit 1
echo "PASS: $(echo "$causes" | wc -l) causes, each with a scenario; $(echo "$expects" | wc -w) scenarios"
