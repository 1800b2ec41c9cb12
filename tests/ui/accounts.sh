#!/bin/sh
# The full-screen wizard's first screen offers the accounts found in the mail programs
# (--home a fixture): picking one shows where each setting came from, asks before using a
# stored password, and the questions then show the imported answers filled in.
. "$TESTDIR/ui/lib-ui.sh"
ui_lab lab_empty
# A copy under a short name: the screen wraps long file names.
cp -R "$TESTDIR/clients/msmtp" "$LAB_TMP/msmtp" || fail "cannot copy the fixture home"

ui_start acc 80 24 -- --home "$LAB_TMP/msmtp" --resolver 127.0.0.1:1 --timeout 1
ui_wait acc "We found these accounts in your mail programs; which one will not"
ui_has acc 'msmtp "personal": me@home.example, mail.home.example:465 SSL/TLS'
ui_has acc "None of these / type my settings"
ui_fits acc 80
ui_keys acc 2
ui_wait acc 'Settings read from msmtp (account "personal")'
ui_has acc "Outgoing server: mail.home.example (from"
ui_has acc "Encryption: SSL/TLS (from"
ui_keys acc Enter
ui_wait acc "has a password stored in its settings"
ui_lacks acc "not-a-real-secret"
ui_keys acc n
ui_wait acc "Find out why your email will not send"
ui_keys acc Enter
ui_wait acc "Your email address"
ui_has acc "me@home.example"
pass "the accounts come first; the picked one's answers are filled in"

# Esc on the sources screen goes back to the list; q there asks, y quits (status 3).
ui_start back 80 24 -- --home "$LAB_TMP/msmtp" --resolver 127.0.0.1:1 --timeout 1
ui_wait back "which one will not"
ui_keys back 1
ui_wait back 'Settings read from msmtp (account "work")'
ui_keys back Escape
ui_wait back "which one will not"
ui_keys back q
ui_wait back "Quit sendfix?"
ui_keys back y
st=$(ui_exit_status back)
[ "$st" = 3 ] || fail "quitting on the account question exited $st, expected 3"
pass "back from the sources screen, and quitting from the account question"
