#!/bin/sh
# A password question: drawn as stars from its length, never in clear, also across resizes
# and the help screen; never in the saved report. Tree text with bidi and zero-width
# characters (which the tree loader lets through) is drawn as visible escapes.
. "$TESTDIR/ui/lib-ui.sh"
ui_lab lab_empty

tree="$LAB_TMP/secret.tree"
# 30 double-width characters (60 columns) and "e" + combining acute accents, for wrapping.
wide=$(i=0; while [ $i -lt 30 ]; do printf '\346\274\242'; i=$((i + 1)); done)
combining=$(printf 'cafe\314\201 re\314\201sume\314\201')
# U+202E (right-to-left override), U+202C and U+200B (zero width space) in the title.
printf '%s\n' \
	'Tree: ui-secret' 'Start: ask-pass' '' \
	'Node: ask-pass' 'Kind: question' 'Type: secret' 'Key: smtp.password' 'Section: 2' \
	"Title: Your password $(printf '\342\200\256')evil$(printf '\342\200\254') and$(printf '\342\200\213')zero" \
	'Text: Type the password your mail program uses for sending.' \
	"Help: It is the password of your email account. $wide $combining" \
	'Next: rejected' 'On-dontknow: done' '' \
	'Node: rejected' 'Kind: conclusion' 'Cause: auth.credentials-rejected' \
	'Cause: auth.app-password-required' 'Evidence: The test tree says so.' \
	'Fix: Type the password again.' '' \
	'Node: done' 'Kind: conclusion' 'Verdict: inconclusive' 'Title: Finished' \
	'Text: Nothing to test with this tree.' >"$tree"
"$SENDFIX" --check-tree "$tree" >/dev/null || fail "the test tree does not load"

s=pw
ui_start $s 80 24 -- --tree "$tree"
ui_wait $s "Authentication errors > Question 1"
ui_has $s 'Your password \u{202E}evil\u{202C} and\u{200B}zero'
pass "bidi and zero-width characters from a tree file are shown as escapes"

ui_type $s "hunter2"
ui_wait $s "> *******"
ui_lacks $s "hunter2"
ui_resize $s 40 12
ui_wait $s "> *******"
ui_resize $s 20 6
ui_wait $s "Please make this"
i=0
while [ $i -lt 40 ]; do
	ui_resize_only $s $((20 + i)) $((6 + i % 19))
	i=$((i + 1))
done
ui_resize $s 80 24
ui_wait $s "> *******"
ui_lacks $s "hunter2"
ui_keys $s F1
ui_wait $s "It is the password of your email account."
ui_keys $s Escape
ui_wait $s "> *******"

# Wide and combining characters wrap at the edge of a 40-column window without being cut.
ui_resize $s 40 12
ui_keys $s F1
ui_wait $s "It is the password of your"
n=$(ui_screen $s | grep -o "$(printf '\346\274\242')" | wc -l)
[ "$n" = 30 ] || { ui_screen $s; fail "$n of 30 double-width characters on the screen"; }
ui_has $s "$combining"
ui_keys $s Escape
ui_wait $s "> *******"
ui_resize $s 80 24
ui_keys $s BSpace
ui_wait $s "> ******"
ui_lacks $s "> *******"
ui_type $s "3"
ui_wait $s "> *******"
ui_lacks $s "hunter"
pass "the password is drawn as stars, kept across resizes and help, never shown"

ui_keys $s Enter
ui_wait $s "sendfix found the most likely problem:"
ui_has $s "Why sendfix thinks so"
ui_has $s "1. Type the password again."
ui_has $s 'section 2, "Authentication errors"'
ui_keys $s End
ui_wait $s "Other possible causes, less likely"
ui_has $s "(guide section 2"
report="$LAB_TMP/report.json"
ui_keys $s s
ui_wait $s "Save the report"
ui_keys $s C-u
ui_type $s "$report"
ui_keys $s Enter
ui_wait $s "The report was saved to"
jq -e . "$report" >/dev/null || fail "a name ending in .json did not give a JSON report"
grep -q "hunter" "$report" && fail "the password is in the report"
ui_keys $s a
ui_wait $s "Authentication errors > Question 1"
ui_lacks $s "*"
pass "several causes: the most likely first, the others listed; no password in the report"

ui_quit $s F10 3 "at a question"
pass "F10 quits from a text field"
