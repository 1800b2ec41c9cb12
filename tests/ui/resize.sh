#!/bin/sh
# Resizing at any time keeps what was typed and what is running: 40x12 lays the screen out
# again, 20x6 and 1x1 ask for a larger window, 80x24 comes back as before; a resize storm
# ends in the right layout. Mid-probe as well, where Esc then stops the test and goes back
# to the question before it. Keys stay live while the probe runs.
. "$TESTDIR/ui/lib-ui.sh"
ui_lab lab_up lab_dns lab_reference
lab_server 465

s=rs
# down.lab.test drops everything, so the connection test waits out its 3 s limit.
ui_start $s 80 24 -- --resolver 192.0.2.53 --reference-host ref.lab.test --timeout 3
ui_wait $s "Find out why your email will not send"
ui_keys $s Enter
ui_wait $s "Your email address"
ui_type $s "anna@lab"

ui_resize $s 40 12
ui_wait $s "> anna@lab"
ui_expect $s question-40x12.txt
ui_fits $s 40
ui_resize $s 20 6
ui_wait $s "Please make this"
ui_expect $s small-20x6.txt
ui_resize $s 1 1
sleep 0.3
ui_tmux display-message -p -t $s '#{pane_dead}' | grep -q 0 || fail "sendfix died at 1x1"
ui_resize $s 80 24
ui_wait $s "Which email address are you trying to send from?"
ui_has $s "> anna@lab"
ui_has $s "Outgoing server settings > Question 1"
pass "40x12, 20x6, 1x1 and back to 80x24 keep the question and what was typed"

i=0
while [ $i -lt 60 ]; do
	ui_resize_only $s $((40 + i % 50)) $((12 + i % 20))
	i=$((i + 1))
done
ui_resize $s 80 24
ui_type $s ".test"
ui_keys $s Enter
ui_wait $s "Your mail program"
ui_keys $s 0
ui_wait $s "The error message you see"
ui_keys $s 0
ui_wait $s "What changed recently"
ui_keys $s 0
ui_wait $s "The network you are on"
ui_keys $s 0
ui_wait $s "What is the name of your outgoing mail server?"
ui_has $s "Outgoing server settings > Question"
pass "after a storm of resizes the layout is right and the answer complete"

ui_type $s "down.lab.test"
ui_keys $s Enter
ui_wait $s "Outgoing server port"
ui_type $s "587"
ui_keys $s Enter
ui_wait $s "Encryption for the outgoing server"
ui_keys $s 1
ui_wait $s "Testing the connection to the outgoing server"
ui_wait $s "Each step gives up after 3 s"
ui_resize $s 40 12
ui_wait $s "stop the test"
ui_fits $s 40
ui_resize $s 20 6
ui_wait $s "Please make this"
ui_resize $s 80 24
ui_wait $s "Testing the connection to the outgoing server"
ui_keys $s t
ui_wait $s "Details (press t to hide)"
ui_has $s "connecting to down.lab.test"
ui_has $s "Port blockage > Testing"
ui_keys $s Escape
ui_wait $s "Encryption for the outgoing server"
ui_has $s "1. STARTTLS"
pass "mid-probe the screen resizes, t shows the steps, Esc stops the test and goes back"

# The probe runs again after going back; q while it runs asks first.
ui_keys $s Enter
ui_wait $s "Testing the connection to the outgoing server"
ui_quit $s q 3 "before a diagnosis"
pass "q during a probe asks, then stops with status 3"

# Row 71: bogus sizes in the environment (LINES=100000, COLUMNS=0, and a 1x1 that is not
# true) do not decide the layout or the memory: the terminal's own size does, so the welcome
# screen is the usual 80x24 one and the process stays small (100000 lines of 80 cells would
# take well over 100 MiB).
for env in "LINES=100000 COLUMNS=0" "LINES=1 COLUMNS=1" "LINES=-5 COLUMNS=999999999999"; do
	b=env$(printf '%s' "$env" | tr -dc 0-9 | cut -c1-6)
	# shellcheck disable=SC2086 # the words of $env are separate variables
	ui_start $b 80 24 $env -- --resolver 192.0.2.53 --reference-host ref.lab.test
	ui_wait $b "Find out why your email will not send"
	ui_expect $b welcome-80x24.txt
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$(ui_pid $b)/status")
	[ -n "$rss" ] && [ "$rss" -lt 65536 ] || fail "with $env sendfix holds $rss KiB"
	ui_quit $b q 3 "at the welcome screen with $env"
	pass "row 71: with $env the screen is laid out for the real 80x24 ($rss KiB resident)"
done
