#!/bin/sh
# sendfix explain: an error message the user already sees, turned into likely causes, with the
# exit status of interface.md (0 recognised, 3 not recognised, 2 usage). No network is used;
# the binary still runs in an empty namespace, as every test that starts sendfix does.
. "$TESTDIR/integration/lib.sh"
lab_empty

out="$LAB_TMP/explain.json"

# explain_json EXPECTED-STATUS ARGS...: sendfix explain --format json ARGS into $out.
explain_json() {
	want=$1
	shift
	isolated "$SENDFIX" explain --format json "$@" >"$out" 2>"$out.stderr"
	st=$?
	[ "$st" = "$want" ] || fail "explain $* exited $st, expected $want: $(cat "$out.stderr")"
	jq -e . "$out" >/dev/null 2>&1 || fail "explain $*: not JSON: $(cat "$out")"
}

explain_json 0 '535-5.7.8 Username and Password not accepted. Learn more at' \
    '535 5.7.8 https://support.google.com/mail/?p=BadCredentials - gsmtp'
json_is "$out" '.causes[0].id' auth.credentials-rejected
json_is "$out" '.causes[0].section' 2
json_is "$out" '.causes[1].id' auth.app-password-required
json_is "$out" '.causes[0].evidence[0] | test("Username and Password not accepted")' true
json_is "$out" '.causes[0].fix | length' 0
json_is "$out" '[.causes[] | keys] | unique | .[0] | join(",")' 'evidence,fix,id,section,title'
pass "a Gmail reply in several arguments"

printf '%s\n' 'Sending reported error (0x800CCC0E) : Cannot connect to the server.' >"$LAB_TMP/msg"
isolated "$SENDFIX" explain --format json - <"$LAB_TMP/msg" >"$out" || fail "explain - failed"
json_is "$out" '.causes[0].id' settings.host-unreachable
json_is "$out" '[.causes[].id] | index("firewall.port-filtered") != null' true
pass "an Outlook code from standard input"

explain_json 0 'The server responded: 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.'
json_is "$out" '.causes[0].id' auth.mechanism-unsupported
pass "Microsoft 365 with SMTP AUTH off"

explain_json 3 'The weather is lovely today'
json_is "$out" '.causes | length' 0
pass "an unknown text is not guessed at (exit 3, empty list)"

# The text output names the cause, the guide section and quotes the message, sanitised.
txt=$(isolated "$SENDFIX" explain "$(printf '554 5.7.1 <b@example.org>: Relay access denied\033[2J')")
st=$?
[ "$st" = 0 ] || fail "text explain exited $st"
printf '%s\n' "$txt" | grep -q "wants a login" || fail "no title in: $txt"
printf '%s\n' "$txt" | grep -q "Guide section 1: " || fail "no section in: $txt"
printf '%s\n' "$txt" | grep -q '"Relay access denied"' || fail "no quote in: $txt"
printf '%s' "$txt" | grep -q "$(printf '\033')" && fail "an escape reached the terminal"
pass "text output"

txt=$(isolated "$SENDFIX" explain 'nothing like an error')
[ $? = 3 ] || fail "unknown text: wrong exit status"
printf '%s\n' "$txt" | grep -q "does not recognise" || fail "unknown text not said plainly: $txt"
pass "an unknown text is said plainly"

for args in "" "--format xml hello" "--frobnicate hello" "- hello" "--format"; do
	# shellcheck disable=SC2086
	isolated "$SENDFIX" explain $args </dev/null >/dev/null 2>&1
	st=$?
	[ "$st" = 2 ] || fail "explain $args exited $st, expected 2"
done
head -c 70000 /dev/zero | tr '\0' 'a' >"$LAB_TMP/big"
isolated "$SENDFIX" explain - <"$LAB_TMP/big" >/dev/null 2>&1
[ $? = 2 ] || fail "more than 64 KiB on standard input was taken"
pass "usage errors exit 2"
