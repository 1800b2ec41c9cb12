#!/bin/sh
# Signals and a terminal that goes away: closing the pane (SIGHUP) at a question, in the
# middle of a probe, and with SIGHUP blocked ends sendfix within 2 s; SIGTERM and Ctrl-C leave
# the full screen before exiting; Ctrl-Z suspends and fg draws the screen again. Hostile-cases
# row 32: the pane closed at the password question, and the whole tmux server killed while a
# TLS handshake hangs (fake-smtp.py tls-silent on 465): gone within 2 s, no CPU spent while
# waiting, nothing left in TMPDIR.
. "$TESTDIR/ui/lib-ui.sh"
ui_lab lab_up lab_dns lab_reference

# Closing the terminal at a question.
ui_start hq 80 24 -- --resolver 192.0.2.53 --reference-host ref.lab.test --timeout 2
ui_wait hq "Find out why your email will not send"
ui_keys hq Enter
ui_wait hq "Your email address"
pid=$(ui_pid hq)
[ "$(cat /proc/"$pid"/comm)" = sendfix ] || fail "the pane does not run sendfix directly"
ui_tmux kill-pane -t hq
ui_process_gone "$pid" 2 || fail "sendfix still runs 2 s after its terminal closed"
pass "closing the terminal at a question ends sendfix within 2 s"

# The same with SIGHUP blocked (as a careless parent may leave it): reads fail at once when
# the terminal is gone, and that ends the program instead of spinning on them.
ui_tmux new-session -d -s hb -x 80 -y 24 \
    "ip netns exec $LAB_C env LANG=C.UTF-8 TERM=screen python3 -c 'import os, signal, sys; signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGHUP]); os.execv(sys.argv[1], sys.argv[1:])' $(ui_quote "$SENDFIX")" ||
	fail "tmux could not start hb"
ui_wait hb "Find out why your email will not send"
pid=$(ui_pid hb)
grep -q '^SigBlk:.*[13579bdf]$' /proc/"$pid"/status || fail "SIGHUP is not blocked in the test"
ui_tmux kill-pane -t hb
ui_process_gone "$pid" 2 || fail "with SIGHUP blocked, sendfix still runs 2 s after its terminal closed"
pass "a closed terminal ends sendfix even when SIGHUP never arrives"

# Closing the terminal while a probe waits for a host that drops everything (10 s limit).
ui_start hp 80 24 -- --resolver 192.0.2.53 --reference-host ref.lab.test --timeout 10
ui_wait hp "Find out why your email will not send"
ui_keys hp Enter
ui_wait hp "Your email address"
ui_keys hp Enter
ui_wait hp "Your mail program"
ui_keys hp 0
ui_wait hp "The error message you see"
ui_keys hp 0
ui_wait hp "What changed recently"
ui_keys hp 0
ui_wait hp "The network you are on"
ui_keys hp 0
ui_wait hp "What is the name of your outgoing mail server?"
ui_type hp "down.lab.test"
ui_keys hp Enter
ui_wait hp "Outgoing server port"
ui_keys hp Enter
ui_wait hp "Encryption for the outgoing server"
ui_keys hp 0
ui_wait hp "Testing the connection to the outgoing server"
ui_wait hp "Each step gives up after 10 s"
pid=$(ui_pid hp)
ui_tmux kill-pane -t hp
ui_process_gone "$pid" 2 || fail "sendfix still runs 2 s after its terminal closed mid-probe"
pass "closing the terminal during a probe ends sendfix within 2 s"

# SIGTERM: the terminal is given back (no full screen left behind), status 3.
ui_start tm 80 24 -- --resolver 192.0.2.53
ui_wait tm "Find out why your email will not send"
kill -TERM "$(ui_pid tm)"
st=$(ui_exit_status tm 2)
[ "$st" = 3 ] || fail "SIGTERM gave exit status $st, expected 3"
[ "$(ui_tmux display-message -p -t tm '#{alternate_on}')" = 0 ] ||
	fail "SIGTERM left the terminal in full-screen mode"
pass "SIGTERM restores the terminal and exits 3"

# Ctrl-C while an answer is being typed: the same.
ui_start ic 80 24 -- --resolver 192.0.2.53
ui_wait ic "Find out why your email will not send"
ui_keys ic Enter
ui_wait ic "Your email address"
ui_type ic "anna@"
ui_keys ic C-c
st=$(ui_exit_status ic 2)
[ "$st" = 3 ] || fail "Ctrl-C gave exit status $st, expected 3"
[ "$(ui_tmux display-message -p -t ic '#{alternate_on}')" = 0 ] ||
	fail "Ctrl-C left the terminal in full-screen mode"
pass "Ctrl-C restores the terminal and exits 3"

# Ctrl-Z and fg from an interactive shell (job control needs one).
ui_tmux new-session -d -s tz -x 80 -y 24 \
    "ip netns exec $LAB_C env -i PATH=$PATH HOME=/nonexistent TERM=screen LANG=C.UTF-8 PS1='tz\$ ' bash --norc --noprofile -i" ||
	fail "cannot start bash in tmux"
ui_wait tz 'tz$'
ui_type tz "$SENDFIX --resolver 192.0.2.53"
ui_keys tz Enter
ui_wait tz "Find out why your email will not send"
ui_keys tz Enter
ui_wait tz "Your email address"
ui_type tz "anna@lab.test"
ui_keys tz C-z
ui_wait tz "Stopped"
ui_gone tz "Your email address"
ui_type tz "fg"
ui_keys tz Enter
ui_wait tz "Your email address"
ui_has tz "> anna@lab.test"
ui_has tz "Outgoing server settings > Question 1"
ui_keys tz F10
ui_wait tz "Quit sendfix? (y/n)"
ui_keys tz y
ui_wait tz 'tz$'
ui_type tz 'echo "status=$?"'
ui_keys tz Enter
ui_wait tz "status=3"
pass "Ctrl-Z suspends, fg draws the screen again with the answer being typed"

# cpu_ticks PID: user + system clock ticks the process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' /proc/"$1"/stat; }

# Row 32: the terminal closed while the password question is on the screen.
tree="$LAB_TMP/secret.tree"
printf '%s\n' \
	'Tree: ui-hangup' 'Start: ask-pass' '' \
	'Node: ask-pass' 'Kind: question' 'Type: secret' 'Key: smtp.password' 'Section: 2' \
	'Title: Your password' 'Text: Type the password your mail program uses for sending.' \
	'Next: done' 'On-dontknow: done' '' \
	'Node: done' 'Kind: conclusion' 'Verdict: inconclusive' 'Title: Finished' \
	'Text: Nothing to test with this tree.' >"$tree"
"$SENDFIX" --check-tree "$tree" >/dev/null || fail "the test tree does not load"
mkdir -p "$LAB_TMP/tmp-pw"
ui_start hs 80 24 TMPDIR="$LAB_TMP/tmp-pw" -- --tree "$tree"
ui_wait hs "Your password"
ui_type hs "hunter2"
pid=$(ui_pid hs)
[ "$(cat /proc/"$pid"/comm)" = sendfix ] || fail "the pane does not run sendfix directly"
ui_tmux kill-pane -t hs
ui_process_gone "$pid" 2 || fail "row 32: sendfix still runs 2 s after its terminal closed at the password"
[ -z "$(ls -A "$LAB_TMP/tmp-pw")" ] || fail "row 32: files left in TMPDIR: $(ls -A "$LAB_TMP/tmp-pw")"
pass "row 32: closing the terminal at the password question ends sendfix within 2 s, nothing left"

# Row 32: the tmux server killed (every terminal gone at once) while the TLS handshake on 465
# waits for a ServerHello that never comes (10 s limit).
ip netns exec "$LAB_N" python3 "$TESTDIR/integration/fake-smtp.py" 192.0.2.10 465 \
    --scenario tls-silent --implicit-tls --ready-file "$LAB_TMP/silent.ready" \
    --idle-timeout 30 2>"$LAB_TMP/silent.log" &
LAB_PIDS="$LAB_PIDS $!"
lab_wait_file "$LAB_TMP/silent.ready"
mkdir -p "$LAB_TMP/tmp-tls"
ui_start ht 80 24 TMPDIR="$LAB_TMP/tmp-tls" -- --resolver 192.0.2.53 \
    --reference-host ref.lab.test --timeout 10 --answer smtp.host=smtp.lab.test \
    --answer smtp.port=465 --answer smtp.security=tls
ui_wait ht "Find out why your email will not send"
ui_keys ht Enter
ui_wait ht "Your email address"
ui_keys ht Enter
for q in "Your mail program" "The error message you see" "What changed recently" \
    "The network you are on"; do
	ui_wait ht "$q"
	ui_keys ht 0
done
# The pre-answered host, port and SSL/TLS are on the screen; Enter takes each.
for q in "What is the name of your outgoing mail server?" "Outgoing server port" \
    "Encryption for the outgoing server"; do
	ui_wait ht "$q"
	ui_keys ht Enter
done
# The port survey runs, then the login questions come before the TLS session.
ui_wait ht "Login name for the outgoing server"
ui_type ht "anna@lab.test"
ui_keys ht Enter
ui_wait ht "password"
ui_type ht "hunter2"
ui_keys ht Enter
ui_wait ht "Each step gives up after 10 s"
pid=$(ui_pid ht)
# The handshake's connection is open (the port survey's own connections close at once).
i=0
until ip netns exec "$LAB_C" ss -Htn state established '( dport = :465 )' | grep -q 192.0.2.10; do
	i=$((i + 1))
	[ $i -gt 40 ] && fail "row 32: no TLS connection to 465 is open: $(ui_screen ht)"
	sleep 0.05
done
t0=$(cpu_ticks "$pid")
sleep 1
t1=$(cpu_ticks "$pid")
[ $((t1 - t0)) -le 10 ] || fail "row 32: $((t1 - t0)) ticks of CPU in 1 s while waiting"
ui_tmux kill-server
ui_process_gone "$pid" 2 || fail "row 32: sendfix still runs 2 s after tmux went away mid-handshake"
[ -z "$(ls -A "$LAB_TMP/tmp-tls")" ] || fail "row 32: files left in TMPDIR: $(ls -A "$LAB_TMP/tmp-tls")"
pass "row 32: tmux killed during a hanging TLS handshake: sendfix gone within 2 s, idle while waiting, nothing left"
