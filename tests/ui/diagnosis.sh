#!/bin/sh
# The full-screen wizard from the welcome screen to a diagnosis, as a first-time user goes:
# a mistyped address, help, going back to change an answer, the probes, the result, the
# tests' details, saving the report, and quitting. The server listens on 465 only, the user
# says 587: settings.wrong-port.
. "$TESTDIR/ui/lib-ui.sh"
ui_lab lab_up lab_dns lab_reference
lab_server 465

s=diag
ui_start $s 80 24 -- --resolver 192.0.2.53 --reference-host ref.lab.test --timeout 2
ui_wait $s "Find out why your email will not send"
ui_expect $s welcome-80x24.txt
pass "the welcome screen says what sendfix does and which keys move on"

ui_keys $s Enter
ui_wait $s "Your email address"
ui_has $s "Outgoing server settings > Question 1"
ui_type $s "anna"
ui_keys $s Enter
ui_wait $s "is not an email address"
ui_has $s "Your email address"
ui_keys $s C-u
ui_type $s "anna@lab.test"
ui_keys $s Enter
ui_wait $s "Your mail program"
ui_has $s "Thunderbird"
ui_keys $s 1
ui_wait $s "The error message you see"
ui_has $s '"Must issue a STARTTLS command first"'
pass "a mistyped address is refused on the spot, and the question stays"

# The error message, what changed, the network: "I don't know" (0) goes on to the settings.
ui_keys $s 0
ui_wait $s "What changed recently"
ui_keys $s 0
ui_wait $s "The network you are on"
ui_keys $s 0
ui_wait $s "Outgoing server settings > Question"

ui_keys $s F1
ui_wait $s "Thunderbird: Settings, Account Settings"
ui_keys $s Escape
ui_wait $s "What is the name of your outgoing mail server?"
ui_type $s "?"
ui_wait $s "Thunderbird: Settings, Account Settings"
ui_keys $s Escape
ui_wait $s "What is the name of your outgoing mail server?"
ui_type $s "smtp.lab.test"
ui_keys $s Enter
pass "F1 and ? show where to find the outgoing server"

ui_wait $s "Outgoing server port"
ui_has $s "for smtp.lab.test?"
ui_type $s "588"
ui_keys $s Enter
ui_wait $s "Encryption for the outgoing server"
ui_keys $s Escape
ui_wait $s "Outgoing server port"
ui_has $s "> 588"
ui_has $s "Outgoing server settings > Question"
ui_keys $s C-u
ui_type $s "587"
ui_keys $s Enter
ui_wait $s "Encryption for the outgoing server"
ui_expect $s choice-80x24.txt
pass "going back shows the previous answer, ready to change"

ui_keys $s Down Down Up Up
ui_keys $s 1
ui_wait $s "sendfix found the problem:" 20
ui_expect $s result-wrong-port.txt
pass "the probes run and the result names the cause, the evidence and the fix"

ui_keys $s t
ui_wait $s "What each test did"
# The tests are listed in the order they ran: page down to the connection survey.
i=0
while ! ui_screen $s | grep -q 'Test "port-survey"' && [ $i -lt 6 ]; do
	ui_keys $s NPage
	sleep 0.3
	i=$((i + 1))
done
ui_has $s 'Test "port-survey" on smtp.lab.test port 587: port-closed'
ui_has $s "Port 465 on smtp.lab.test: connected"
ui_keys $s Escape
ui_wait $s "sendfix found the problem:"
pass "the details list every test with its findings"

report="$LAB_TMP/my report.txt"
ui_keys $s s
ui_wait $s "Save the report"
ui_expect $s save-80x24.txt
ui_keys $s C-u
ui_type $s "$report"
ui_keys $s Enter
ui_wait $s "The report was saved to $report"
[ -f "$report" ] || fail "no report at $report"
[ "$(stat -c %a "$report")" = 600 ] || fail "the report is not private: $(stat -c %a "$report")"
grep -q "settings.wrong-port" "$report" || fail "the report does not name the cause: $(cat "$report")"
grep -q "In the Port field, enter 465" "$report" ||
	fail "the report has no fix steps in Thunderbird's words"
grep -q "$(printf '\033')" "$report" && fail "escape codes in the report"
pass "s saves the report where the user says, readable only by them"

ui_keys $s q
ui_wait $s "Quit sendfix? (y/n)"
ui_keys $s n
ui_gone $s "Quit sendfix? (y/n)"
ui_has $s "sendfix found the problem:"
ui_keys $s q
ui_wait $s "Quit sendfix? (y/n)"
ui_keys $s y
st=$(ui_exit_status $s)
[ "$st" = 1 ] || fail "sendfix exited $st after a diagnosis, expected 1"
[ "$(ui_tmux display-message -p -t $s '#{alternate_on}')" = 0 ] ||
	fail "the terminal was left in the full-screen mode"
ui_printed $s "sendfix: The mail program uses a port the outgoing server does not answer on"
ui_printed $s "sendfix: the report was saved to $report"
pass "q asks first; after quitting the diagnosis and the report's place stay on the terminal"
