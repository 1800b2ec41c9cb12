#!/bin/sh
# The wizard's first screen offers the accounts found in the user's mail programs (--plain
# through a pipe, --home a fixture): picking one fills the answers as --from-client does
# and shows where each came from; "None of these" and going back leave nothing imported;
# a stored password is used only after a yes and is never shown.
. "$TESTDIR/integration/lib.sh"
lab_empty

# Copies of the fixture homes under a short name: the screen wraps long file names, and
# the source tree may be anywhere (make distcheck's is deep).
FIX="$LAB_TMP/clients"
mkdir "$FIX" && cp -R "$TESTDIR/clients/msmtp" "$TESTDIR/clients/thunderbird" \
    "$TESTDIR/clients/broken" "$FIX/" || fail "cannot copy the fixture homes"

# plain HOME OUT INPUT: sendfix --plain answering with the lines of INPUT (printf format);
# nothing to reach, so it ends fast. The report goes to OUT (JSON), the screen to OUT.out.
plain() {
	local home=$1 out=$2
	# shellcheck disable=SC2059
	printf "$3" >"$out.in"
	isolated env TERM=dumb "$SENDFIX" --plain --resolver 127.0.0.1:1 --timeout 1 \
	    --format json --report "$out" --home "$home" <"$out.in" >"$out.out" 2>&1
	SENDFIX_STATUS=$?
	LAB_LAST_REPORT=$out
}

# The msmtp fixture: account 2 ("personal", inheriting from "work"), Enter on the screen
# that shows the sources, no to the stored password; the input then runs out (a quit).
r="$LAB_TMP/pick.json"
plain "$FIX/msmtp" "$r" '2\n\nn\n'
o="$r.out"
grep -q 'We found these accounts in your mail programs; which one will not send?' "$o" ||
	fail "no account question: $(cat "$o")"
grep -q '1) msmtp "work": me@work.example, smtp.work.example:587 STARTTLS' "$o" &&
    grep -q '3) msmtp "plain": plain@lab.test, 192.0.2.10 no encryption' "$o" &&
    grep -q '4) None of these / type my settings' "$o" ||
	fail "the accounts are not listed with server, port and security: $(cat "$o")"
grep -q '\.msmtprc line 8)' "$o" || fail "the list does not give file and line: $(cat "$o")"
grep -q 'Outgoing server: mail.home.example (from' "$o" &&
    grep -q 'Port: 465 (from .*\.msmtprc, line 16)' "$o" ||
	fail "the sources of the picked account are not shown: $(cat "$o")"
grep -q 'has a password stored in its settings' "$o" || fail "no password question"
json_is "$r" '.answers.email' me@home.example
json_is "$r" '.answers["smtp.host"]' mail.home.example
json_is "$r" '.answers["smtp.port"]' 465
json_is "$r" '.answers["smtp.security"]' tls
json_is "$r" '.answers["smtp.user"]' me@work.example
json_is "$r" '.answers["client.program"]' msmtp-mutt
json_is "$r" '[.imported[] | select(.key == "smtp.port")][0].line' 16
if grep -q not-a-real-secret "$r" "$o"; then fail "the stored password was shown"; fi
pass "a picked account fills the answers and shows where each came from"

# The same as --from-client with --account: identical answers.
b="$LAB_TMP/batch.json"
isolated "$SENDFIX" --batch --resolver 127.0.0.1:1 --timeout 1 --format json \
    --report "$b" --home "$FIX/msmtp" --from-client msmtp --account personal 2>/dev/null
# (The piped input ran out after the first questions, answered "I don't know" on the way.)
imp='.answers | with_entries(select(.value != "dontknow"))'
[ "$(jq -S "$imp" "$b")" = "$(jq -S "$imp" "$r")" ] ||
	fail "the wizard's answers differ from --from-client's: $(jq -c .answers "$b" "$r")"
pass "the same answers as --from-client --account"

# Thunderbird: "b" on the sources screen takes the answers back and asks again; then
# "None of these": nothing imported, the wizard asks as usual.
r="$LAB_TMP/none.json"
plain "$FIX/thunderbird" "$r" '1\nb\n4\n'
o="$r.out"
[ "$(grep -c 'which one will not send' "$o")" = 2 ] ||
	fail "going back did not ask again: $(cat "$o")"
json_is "$r" '.answers | length' 0
json_is "$r" '.imported' null
grep -q 'Find out why your email will not send' "$o" || fail "the wizard did not start"
pass "going back and \"None of these\" leave no answers"

# q on the first screen stops, as on any question.
r="$LAB_TMP/quit.json"
plain "$FIX/thunderbird" "$r" 'q\n'
status_is 3
pass "q on the account question stops with status 3"

# A yes to the stored password: it is still neither shown nor written anywhere.
r="$LAB_TMP/yes.json"
plain "$FIX/msmtp" "$r" '2\n\ny\n'
o="$r.out"
if grep -q not-a-real-secret "$r" "$o"; then fail "the stored password was shown"; fi
pass "the stored password is never shown"

# No accounts: the wizard starts with its own first screen.
r="$LAB_TMP/empty.json"
plain "$FIX/broken" "$r" '\n'
if grep -q 'which one will not send' "$r.out"; then fail "asked with no accounts"; fi
pass "no accounts, no account question"
