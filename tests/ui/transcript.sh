#!/bin/sh
# The probe screen's `t`: the SMTP dialogue appears live while the probe still waits for
# the server (a scripted server that takes 6 s to answer MAIL), not only afterwards.
. "$TESTDIR/ui/lib-ui.sh"
ui_lab lab_up lab_dns lab_reference

certs="$LAB_TMP/certs"
sh "$TESTDIR/integration/make-fake-certs.sh" "$certs" >/dev/null 2>&1 ||
	fail "make-fake-certs.sh failed"
ip netns exec "$LAB_N" python3 "$TESTDIR/integration/fake-smtp.py" 192.0.2.10 587 \
    --scenario slow-mail --tls-cert "$certs/server-chain.pem" --ready-file "$LAB_TMP/ready" \
    2>"$LAB_TMP/fake.log" &
LAB_PIDS="$LAB_PIDS $!"
i=0
until [ -s "$LAB_TMP/ready" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "fake-smtp.py did not start"
	sleep 0.1
done

s=tr
ui_start $s 80 24 -- --resolver 192.0.2.53 --reference-host ref.lab.test --timeout 10 \
    --cafile "$certs/ca.pem" --answer email=anna@lab.test --answer smtp.host=smtp.lab.test \
    --answer smtp.port=587 --answer smtp.security=starttls
ui_wait $s "Find out why your email will not send"
ui_keys $s Enter
ui_wait $s "Your email address"
ui_keys $s Enter
ui_wait $s "Your mail program"
ui_keys $s 0
ui_wait $s "The error message you see"
ui_keys $s 0
ui_wait $s "What changed recently"
ui_keys $s 0
ui_wait $s "The network you are on"
ui_keys $s 0
# smtp.lab.test answers with STARTTLS: sendfix found it as the likely setting for lab.test.
ui_wait $s "The outgoing settings for" 20
ui_has $s "Server: smtp.lab.test"
ui_keys $s Enter
ui_wait $s "What is the name of your outgoing mail server?"
ui_keys $s Enter
ui_wait $s "Outgoing server port"
ui_keys $s Enter
ui_wait $s "Encryption for the outgoing server"
ui_keys $s Enter
ui_wait $s "Login name for the outgoing server" 20
# No login name: everything but the login is tested.
ui_keys $s Enter
ui_wait $s "Talking to the outgoing server" 10
ui_keys $s t
# While the server sits on MAIL, the lines so far are on the screen.
ui_wait $s "C: MAIL FROM:<anna@lab.test>" 5
ui_has $s "C: STARTTLS"
ui_lacks $s "S: 250 2.1.0 Ok"
pass "t shows the dialogue live, up to the command the server is still answering"

ui_wait $s "S: 250 2.1.0 Ok" 15
pass "the server's late answer joins the transcript"
