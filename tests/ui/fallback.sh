#!/bin/sh
# Terminals the full screen cannot use: TERM=dumb, TERM unset, an unknown TERM each give
# one sentence saying why, then the plain questions. A locale that is not UTF-8 gets ASCII
# only; NO_COLOR turns colours off.
. "$TESTDIR/ui/lib-ui.sh"
ui_lab lab_empty

ui_start dumb 80 24 TERM=dumb
ui_wait dumb 'sendfix: the terminal type "dumb" cannot show the full-screen wizard; using plain questions instead'
ui_wait dumb "Find out why your email will not send"
ui_expect dumb dumb-80x24.txt
[ "$(ui_tmux display-message -p -t dumb '#{alternate_on}')" = 0 ] ||
	fail "TERM=dumb still switched to the full screen"
ui_type dumb "q"
ui_keys dumb Enter
st=$(ui_exit_status dumb)
[ "$st" = 3 ] || fail "q in plain mode exited $st, expected 3"
pass "TERM=dumb: one sentence saying why, then plain questions"

ui_start unset 80 24 -u TERM
ui_wait unset "sendfix: the TERM variable is not set, so the full-screen wizard cannot start; using plain questions instead"
ui_wait unset "Find out why your email will not send"
pass "TERM unset: plain questions, and why"

ui_start unknown 80 24 TERM=sendfix-no-such-terminal
ui_wait unknown 'sendfix: the terminal type "sendfix-no-such-terminal" is not known on this computer; using plain questions instead'
ui_wait unknown "Find out why your email will not send"
pass "an unknown TERM: plain questions, and why"

# Row 69, TERMINFO=/nonexistent: ncurses still looks in the system's database after it, so
# on its own it changes nothing. With that database hidden too (empty directories mounted
# over it, in a mount namespace of this run only), a common TERM is unknown and newterm
# fails: one sentence, then the plain questions.
real=$SENDFIX
SENDFIX="$LAB_TMP/no-terminfo"
cat >"$SENDFIX" <<EOF
#!/bin/sh
exec unshare -m sh -c 'for d in /lib/terminfo /usr/share/terminfo /etc/terminfo; do
	[ -d "\$d" ] && mount -t tmpfs none "\$d"
done
exec "\$0" "\$@"' "$real" "\$@"
EOF
chmod 755 "$SENDFIX"
ui_start noinfo 80 24 TERMINFO=/nonexistent
ui_wait noinfo 'sendfix: the terminal type "screen" is not known on this computer; using plain questions instead'
ui_wait noinfo "Find out why your email will not send"
SENDFIX=$real
ui_start info 80 24 TERMINFO=/nonexistent
ui_wait info "Find out why your email will not send"
[ "$(ui_tmux display-message -p -t info '#{alternate_on}')" = 1 ] ||
	fail "TERMINFO=/nonexistent alone turned the full screen off"
pass "row 69: TERMINFO=/nonexistent and no terminal database: plain questions, and why"

# ASCII only when the locale is not UTF-8: the choice pointer, spinner and ticks too.
ui_start ascii 80 24 LANG=C -- --answer smtp.host=smtp.lab.test
ui_wait ascii "Find out why your email will not send"
ui_keys ascii Enter
ui_wait ascii "Your email address"
ui_keys ascii Enter
ui_wait ascii "Your mail program"
ui_keys ascii 0
ui_wait ascii "The error message you see"
ui_keys ascii 0
ui_wait ascii "What changed recently"
ui_keys ascii 0
ui_wait ascii "The network you are on"
ui_keys ascii 0
ui_wait ascii "> smtp.lab.test"
ui_keys ascii Enter
ui_wait ascii "Outgoing server port"
ui_keys ascii Enter
ui_wait ascii "Encryption for the outgoing server"
ui_has ascii "> 1. STARTTLS"
if ui_screen ascii | LC_ALL=C grep -q "$(printf '[\200-\377]')"; then
	ui_screen ascii
	fail "non-ASCII characters drawn in the C locale"
fi
pass "LANG=C: ASCII only"

# Colours: the title bar is coloured, unless NO_COLOR is set.
ui_start colour 80 24
ui_wait colour "Find out why your email will not send"
ui_tmux capture-pane -e -p -t colour | grep -q "$(printf '\033')\[[0-9;]*4[0-7][;m]" ||
	fail "no background colour on the title bar"
ui_start nocolour 80 24 NO_COLOR=1
ui_wait nocolour "Find out why your email will not send"
if ui_tmux capture-pane -e -p -t nocolour | grep -q "$(printf '\033')\[[0-9;]*[34][0-7][;m]"; then
	ui_tmux capture-pane -e -p -t nocolour | cat -v
	fail "colours drawn although NO_COLOR is set"
fi
ui_tmux capture-pane -e -p -t nocolour | grep -q "$(printf '\033')\[7m" ||
	fail "without colours the title bar is not in reverse video"
pass "NO_COLOR: no colours, reverse video instead"
