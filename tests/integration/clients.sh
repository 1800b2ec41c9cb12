#!/bin/sh
# --from-client: every fixture home under tests/clients/ fills the answers listed in its
# "expected" file (an empty file: no account, a usage error); --account, explicit answers
# winning, the "imported" report key, and stored passwords staying out of the report.
. "$TESTDIR/integration/lib.sh"
lab_empty

FIX="$TESTDIR/clients"
KEYS='email smtp.host smtp.port smtp.security smtp.user client.program'

# run HOME OUT ARGS...: sendfix --batch with nothing to reach (no resolver), so it ends fast.
run() {
	local home=$1 out=$2
	shift 2
	isolated "$SENDFIX" --batch --resolver 127.0.0.1:1 --timeout 1 --format json \
	    --report "$out" --home "$home" "$@" 2>"$out.stderr"
	SENDFIX_STATUS=$?
	LAB_LAST_REPORT=$out
}

# answers_of FILE: the imported keys of the report as sorted KEY=VALUE lines.
answers_of() {
	local k
	for k in $KEYS; do
		jq -r --arg k "$k" '.answers[$k] // empty | "\($k)=\(.)"' "$1"
	done | sort
}

n=0
for dir in "$FIX"/*/; do
	name=$(basename "$dir")
	home=$(cd "$dir" && pwd)
	r="$LAB_TMP/$name.json"
	run "$home" "$r" --from-client auto
	if [ ! -s "$dir/expected" ]; then
		status_is 2
		grep -q 'no mail program settings' "$r.stderr" ||
			fail "$name: no clear error: $(cat "$r.stderr")"
		continue
	fi
	jq -e . "$r" >/dev/null 2>&1 || fail "$name: not JSON: $(cat "$r" "$r.stderr")"
	got=$(answers_of "$r")
	want=$(sort "$dir/expected")
	[ "$got" = "$want" ] || fail "$name: answers
$got
expected
$want"
	# Every imported answer says where it came from, inside the fixture home.
	jq -e --arg h "$home" '[.imported[] | select(.key != "client.program")] as $i |
	    ($i | length) > 0 and ($i | all((.file | startswith($h)) and .line > 0))' \
	    "$r" >/dev/null ||
		fail "$name: imported without file and line: $(jq -c .imported "$r")"
	n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n fixtures checked"
pass "$n fixture homes give their expected answers"

# --home as a name relative to the current directory, as a technician types it.
r="$LAB_TMP/relative.json"
(cd "$FIX/.." && run clients/thunderbird "$r" --from-client auto) ||
	fail "a relative --home: $(cat "$r.stderr")"
[ "$(answers_of "$r")" = "$(sort "$FIX/thunderbird/expected")" ] ||
	fail "a relative --home gives other answers: $(answers_of "$r")"
jq -e --arg h "$(cd "$FIX/thunderbird" && pwd)/" '.imported[1].file | startswith($h)' "$r" \
    >/dev/null || fail "a relative --home: files not named in full: $(jq -c .imported "$r")"
pass "--home relative to the current directory"

# The same program named explicitly, and another account picked by name, address, host.
r="$LAB_TMP/acc1.json"
run "$FIX/msmtp" "$r" --from-client msmtp --account plain
json_is "$r" '.answers["smtp.host"]' 192.0.2.10
json_is "$r" '.answers["smtp.security"]' none
r="$LAB_TMP/acc2.json"
run "$FIX/thunderbird" "$r" --from-client thunderbird --account alice@example.org
json_is "$r" '.answers["smtp.host"]' smtp.example.org
json_is "$r" '.answers["smtp.security"]' tls
json_is "$r" '.answers["smtp.port"]' 465
r="$LAB_TMP/acc3.json"
run "$FIX/claws" "$r" --from-client claws --account smtp.old.example
json_is "$r" '.answers.email' frank@old.example
json_is "$r" '.answers["smtp.port"]' 25
pass "--account picks by name, address and server"

r="$LAB_TMP/none.json"
run "$FIX/msmtp" "$r" --from-client msmtp --account 'nope'
status_is 2
grep -q 'personal' "$r.stderr" && grep -q 'no account matches' "$r.stderr" ||
	fail "--account mismatch does not list the accounts: $(cat "$r.stderr")"
r="$LAB_TMP/noprog.json"
run "$FIX/msmtp" "$r" --from-client evolution
status_is 2
grep -q 'no evolution settings' "$r.stderr" || fail "no clear error: $(cat "$r.stderr")"
pass "unknown account and missing program are usage errors"

r="$LAB_TMP/given.json"
run "$FIX/msmtp" "$r" --from-client auto --answer smtp.port=587
json_is "$r" '.answers["smtp.port"]' 587
json_is "$r" '[.imported[].key] | index("smtp.port")' null
pass "an explicit --answer wins over an imported one"

# Stored passwords: never in a report, not even with --use-stored-password.
for f in mutt msmtp; do
	for o in "" --use-stored-password; do
		r="$LAB_TMP/pw-$f$o.json"
		# shellcheck disable=SC2086
		run "$FIX/$f" "$r" --from-client $f $o
		if grep -q -e hunter2 -e not-a-real-secret "$r" "$r.stderr"; then
			fail "a stored password reached the report ($f $o)"
		fi
	done
done
r="$LAB_TMP/text.txt"
isolated "$SENDFIX" --batch --resolver 127.0.0.1:1 --timeout 1 --report "$r" \
    --home "$FIX/mutt" --from-client mutt 2>/dev/null
grep -q 'READ FROM YOUR MAIL PROGRAM' "$r" && grep -q '/\.mutt/smtp\.rc$' "$r" &&
    grep -q 'smtp\.host (line 1)' "$r" ||
	fail "the text report does not say where answers came from: $(cat "$r")"
if grep -q hunter2 "$r"; then fail "password in the text report"; fi
pass "stored passwords stay out of reports; the text report names the files"
