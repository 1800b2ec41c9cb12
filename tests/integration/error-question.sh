#!/bin/sh
# The wizard's "which error do you see" question: a picked message and the same kind of
# message pasted in are read with the reply table, and the finding reaches the report.
. "$TESTDIR/integration/lib.sh"
lab_empty

# run OUT ARGS...: batch mode without a server name (the walk ends at host-unknown).
run() {
	out=$1
	shift
	isolated "$SENDFIX" --batch --format json --report "$out" "$@" 2>"$out.stderr"
	SENDFIX_STATUS=$?
	LAB_LAST_REPORT=$out
}
fact() { jq -r ".probes[] | select(.name == \"explain\") | $1" "$2"; }

r="$LAB_TMP/pick.json"
run "$r" --answer client.error=login-failed
[ "$(fact .outcome "$r")" = recognised ] || fail "a picked message was not recognised: $(cat "$r")"
[ "$(fact .facts.cause "$r")" = auth.credentials-rejected ] ||
	fail "login-failed points to $(fact .facts.cause "$r")"

r="$LAB_TMP/typed.json"
run "$r" --answer client.error=other \
    --answer client.error-text="Send Message Error: 534-5.7.9 Application-specific password required. Learn more at https://support.google.com/mail/?p=InvalidSecondFactor"
[ "$(fact .outcome "$r")" = recognised ] || fail "a typed message was not recognised"
[ "$(fact .facts.cause "$r")" = auth.app-password-required ] ||
	fail "the 534 5.7.9 text points to $(fact .facts.cause "$r")"

r="$LAB_TMP/unknown.json"
run "$r" --answer client.error=other --answer client.error-text="the printer is on fire"
[ "$(fact .outcome "$r")" = unknown ] || fail "nonsense was recognised: $(fact .facts.cause "$r")"

r="$LAB_TMP/none.json"
run "$r"
[ "$(fact .outcome "$r")" = none ] || fail "no answer gave $(fact .outcome "$r")"
json_is "$r" '.path | index("ask-error-text")' null

# A bad choice is a usage error naming the key.
run "$LAB_TMP/bad.json" --answer client.error=printer-on-fire
status_is 2
grep -q "client.error" "$LAB_TMP/bad.json.stderr" || fail "the usage error does not name the key"
pass "picked, typed, unknown and absent error messages are read as the reply table says"

# "I don't know" for the server name leads to the settings for the address when its
# provider is known (issue 6: "I don't know" leads somewhere useful), in the mail program's
# words; without an address there is nothing to look up, and the walk says how to find it.
r="$LAB_TMP/dontknow-host.json"
run "$r" --answer email=anna@gmail.com --answer client.program=thunderbird
status_is 3
json_is "$r" '.path[-1]' host-unknown-recommended
json_is "$r" '.probes[] | select(.name == "provider" and .node == "recommend-host") | .outcome' known
jq -r '.explanation' "$r" | grep -q 'Server: smtp.gmail.com' ||
	fail "the recommended server is not named: $(jq -r .explanation "$r")"
jq -r '.fix[0]' "$r" | grep -q 'Outgoing Server (SMTP)' ||
	fail "the first step is not in Thunderbird's words: $(jq -r '.fix[0]' "$r")"
json_is "$LAB_TMP/none.json" '.path[-1]' host-unknown
pass "an unknown server name gives the address's documented settings, or how to find them"
