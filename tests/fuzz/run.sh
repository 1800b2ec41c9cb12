#!/bin/sh
# tests/fuzz/run.sh: runs each libFuzzer target over its seed corpus for a bounded time.
#
# usage: run.sh BINDIR SRCDIR OUTDIR SECONDS [TARGET...]
#
# Each target (default: every BINDIR/fuzz_*) runs for SECONDS (-max_total_time) with
# -timeout=10 and -rss_limit_mb=2048, FUZZ_JOBS (default 2) at once, reading its seeds from
# SRCDIR/tests/fuzz/corpus/TARGET (never written to) and keeping what it finds new in
# OUTDIR/work/TARGET. A crash, leak, hang or sanitizer report is written to
# OUTDIR/findings/TARGET-crash-... (or -leak-, -timeout-, -oom-), and the run fails.
# FUZZ_ARGS adds libFuzzer options. The log of each target is OUTDIR/work/TARGET.log.
set -eu

[ $# -ge 4 ] || { echo "usage: $0 BINDIR SRCDIR OUTDIR SECONDS [TARGET...]" >&2; exit 2; }
bindir=$1 srcdir=$2 out=$3 seconds=$4
shift 4
if [ $# -eq 0 ]; then
	for f in "$bindir"/fuzz_*; do
		[ -x "$f" ] && set -- "$@" "$(basename "$f")"
	done
fi
[ $# -gt 0 ] || { echo "run.sh: no fuzz targets in $bindir: run \"make fuzz\" first" >&2; exit 1; }
mkdir -p "$out/work" "$out/findings"

# run_one TARGET: one bounded run; its exit status goes to OUTDIR/work/TARGET.rc.
run_one() {
	seeds=$srcdir/tests/fuzz/corpus/$1
	mkdir -p "$out/work/$1"
	[ -d "$seeds" ] || seeds=
	rc=0
	# shellcheck disable=SC2086
	"$bindir/$1" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$out/findings/$1-" ${FUZZ_ARGS:-} \
	    "$out/work/$1" $seeds > "$out/work/$1.log" 2>&1 || rc=$?
	echo "$rc" > "$out/work/$1.rc"
}

start=$(date +%s)
n=0
for t in "$@"; do
	run_one "$t" &
	n=$((n + 1))
	if [ "$n" -ge "${FUZZ_JOBS:-2}" ]; then
		wait
		n=0
	fi
done
wait

status=0
for t in "$@"; do
	rc=$(cat "$out/work/$t.rc" 2>/dev/null || echo 1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/work/$t.log" | tail -n 1)
	corpus=$(ls "$out/work/$t" | wc -l)
	if [ "$rc" = 0 ]; then
		printf '%-22s ok      %10s runs in %ss, %s new inputs\n' "$t" "${runs:-?}" \
		    "$seconds" "$corpus"
	else
		printf '%-22s FAILED  (exit %s): see %s\n' "$t" "$rc" "$out/work/$t.log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*property failed|.*runtime error)' \
		    "$out/work/$t.log" | head -n 5 >&2 || true
		grep -E '^artifact_prefix|Test unit written to' "$out/work/$t.log" >&2 || true
		status=1
	fi
done
echo "fuzz-run: $# targets, $(( $(date +%s) - start ))s"
exit "$status"
