# lib-ui.sh: sourced by the full-screen wizard tests. Drives sendfix in a tmux server of the
# test's own (tmux -L sendfix-PID), always inside the lab's client namespace (lib.sh), and
# compares screens with the captures in tests/ui/expected.
#
#   ui_lab FUNCTION...     build the lab (lab_up / lab_empty and its servers); tmux is
#                          stopped with it when the test exits
#   ui_start NAME COLS ROWS [-u VAR] [VAR=VALUE...] [-- SENDFIX ARGS...]
#                          a session running sendfix (LANG=C.UTF-8, TERM=screen unless the
#                          variables say otherwise); the pane stays after sendfix exits
#   ui_wait NAME TEXT [SECONDS]      wait until TEXT is on the screen, or fail showing it
#   ui_gone NAME TEXT [SECONDS]      wait until TEXT has left the screen
#   ui_expect NAME FILE    the important lines of tests/ui/expected/FILE are on the screen,
#                          in order; "{*}" in an expected line matches anything (dates,
#                          times). UI_UPDATE_EXPECTED=1 writes the screen to FILE instead.
#   ui_exit_status NAME [SECONDS]    wait for sendfix to exit and print its exit status
#   ui_keys / ui_type NAME ...       press keys (tmux names: Enter, Escape, C-u) / type text
#   ui_resize NAME COLS ROWS         resize and wait for the new layout (ui_resize_only:
#                                    do not wait, for storms)
#   ui_has / ui_lacks / ui_fits / ui_printed / ui_process_gone: checks, see each below
#
# Each test skips (exit 77) when tmux is missing; everything else is a real failure.

. "$TESTDIR/integration/lib.sh"

command -v tmux >/dev/null 2>&1 || skip "needs tmux (Debian: apt-get install tmux)"

UI_TMUX_SOCKET="sendfix-$$"
UI_EXPECTED="$TESTDIR/ui/expected"

ui_tmux() { tmux -L "$UI_TMUX_SOCKET" -f /dev/null "$@"; }

ui_down() {
	ui_tmux kill-server >/dev/null 2>&1
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$UI_TMUX_SOCKET"
	lab_down
}

ui_lab() {
	local f
	for f in "$@"; do
		"$f"
	done
	trap ui_down EXIT
	# A session that outlives the others keeps the server up when a pane is killed.
	ui_tmux new-session -d -s keep -x 80 -y 24 "sleep 3600" ||
		fail "tmux cannot start a server"
	ui_tmux set-option -g remain-on-exit on >/dev/null
	ui_tmux set-option -g status off >/dev/null
}

# A word quoted for the shell tmux runs the command with.
ui_quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

ui_start() {
	local name=$1 cols=$2 rows=$3 unset="" vars="" term="TERM=screen" cmd a
	shift 3
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		if [ "$1" = "-u" ]; then
			unset="$unset -u $(ui_quote "$2")"
			[ "$2" = TERM ] && term=""
			shift 2
			continue
		fi
		vars="$vars $(ui_quote "$1")"
		shift
	done
	[ "${1:-}" = "--" ] && shift
	cmd="ip netns exec $LAB_C env$unset LANG=C.UTF-8 LC_ALL= $term$vars $(ui_quote "$SENDFIX")"
	for a in "$@"; do
		cmd="$cmd $(ui_quote "$a")"
	done
	ui_tmux new-session -d -s "$name" -x "$cols" -y "$rows" "$cmd" ||
		fail "tmux could not start $name"
	ui_tmux set-option -t "$name" window-size manual >/dev/null 2>&1
}

ui_screen() { ui_tmux capture-pane -p -t "$1"; }

ui_keys() {
	local name=$1
	shift
	ui_tmux send-keys -t "$name" "$@"
}

# Literal text, so words like "Enter" or "Escape" are typed, not pressed.
ui_type() { ui_tmux send-keys -t "$1" -l "$2"; }

# ui_resize NAME COLS ROWS: resizes, then waits until the wizard has drawn at the new size
# (keys sent at once may arrive before the resize): the top line drops "sendfix > " below
# 60 columns, and below 40x12 only the "make the window larger" request shows.
ui_resize() {
	local name=$1 cols=$2 rows=$3 i=0 top
	ui_tmux resize-window -t "$name" -x "$cols" -y "$rows"
	while :; do
		top=$(ui_screen "$name" | head -n 1)
		if [ "$cols" -lt 40 ] || [ "$rows" -lt 12 ]; then
			[ "$cols" -lt 10 ] || [ "$rows" -lt 3 ] && break
			ui_screen "$name" | grep -q "Please make" && break
		elif [ "$cols" -lt 60 ]; then
			case "$top" in " sendfix >"*|"") ;; *) break ;; esac
		else
			case "$top" in " sendfix"*) break ;; esac
		fi
		i=$((i + 1))
		[ $i -gt 100 ] && fail "the screen was not drawn again at ${cols}x$rows"
		sleep 0.05
	done
}

# ui_resize_only NAME COLS ROWS: resizes without waiting (for resize storms).
ui_resize_only() { ui_tmux resize-window -t "$1" -x "$2" -y "$3"; }

# Searches lines joined where the terminal wrapped them (plain mode's long lines).
ui_wait() {
	local name=$1 text=$2 secs=${3:-10} i=0
	while ! ui_tmux capture-pane -p -J -t "$name" | grep -qF -- "$text"; do
		i=$((i + 1))
		if [ $i -gt $((secs * 10)) ]; then
			echo "--- screen of $name:"
			ui_screen "$name"
			echo "---"
			fail "\"$text\" did not appear on the screen within $secs s"
		fi
		sleep 0.1
	done
}

ui_gone() {
	local name=$1 text=$2 secs=${3:-10} i=0
	while ui_screen "$name" | grep -qF -- "$text"; do
		i=$((i + 1))
		if [ $i -gt $((secs * 10)) ]; then
			ui_screen "$name"
			fail "\"$text\" stayed on the screen for $secs s"
		fi
		sleep 0.1
	done
}

# ui_has NAME TEXT / ui_lacks NAME TEXT: the screen right now.
ui_has() {
	ui_screen "$1" | grep -qF -- "$2" || {
		ui_screen "$1"
		fail "\"$2\" is not on the screen"
	}
}
# ui_fits NAME COLS: no line of the screen is wider than COLS characters.
ui_fits() {
	ui_screen "$1" | LC_ALL=C.UTF-8 sed 's/[^ -~]/?/g' |
	    awk -v w="$2" 'length($0) > w { print "too wide: " $0; bad = 1 } END { exit bad }' ||
		fail "lines wider than $2 columns on a $2-column screen"
}

# After exit: tmux's "Pane is dead" line scrolls the screen, so history counts too.
ui_printed() {
	ui_tmux capture-pane -p -S -50 -t "$1" | grep -qF -- "$2" || {
		ui_tmux capture-pane -p -S -50 -t "$1"
		fail "sendfix did not leave \"$2\" on the terminal"
	}
}
ui_lacks() {
	if ui_screen "$1" | grep -qF -- "$2"; then
		ui_screen "$1"
		fail "\"$2\" should not be on the screen"
	fi
}

ui_expect() {
	local name=$1 file="$UI_EXPECTED/$2" screen
	screen=$(ui_screen "$name")
	if [ "${UI_UPDATE_EXPECTED:-0}" = 1 ]; then
		printf '%s\n' "$screen" | sed 's/[[:space:]]*$//' >"$file"
		return 0
	fi
	[ -f "$file" ] || fail "no expected screen $file"
	printf '%s\n' "$screen" | LC_ALL=C awk -v expfile="$file" '
		function rstrip(s) { sub(/[ \t]+$/, "", s); return s }
		# Does line match pattern, where "{*}" stands for any text?
		function matches(line, pat,    n, parts, i, at, p) {
			n = split(pat, parts, /\{\*\}/)
			if (n == 1)
				return line == pat
			if (substr(line, 1, length(parts[1])) != parts[1])
				return 0
			at = length(parts[1]) + 1
			for (i = 2; i < n; i++) {
				p = index(substr(line, at), parts[i])
				if (p == 0)
					return 0
				at += p - 1 + length(parts[i])
			}
			if (length(parts[n]) > length(line) - at + 1)
				return 0
			return substr(line, length(line) - length(parts[n]) + 1) == parts[n]
		}
		{ got[NR] = rstrip($0) }
		END {
			at = 1
			while ((getline e < expfile) > 0) {
				e = rstrip(e)
				if (e == "")
					continue
				for (; at <= NR; at++)
					if (matches(got[at], e))
						break
				if (at > NR) {
					print "expected line not found (in order): " e
					bad = 1
					break
				}
				at++
			}
			exit bad
		}' || {
		echo "--- screen of $name:"
		printf '%s\n' "$screen"
		echo "--- expected ($file):"
		cat "$file"
		fail "the screen does not match $2"
	}
}

# The pane is dead once the pty closes; the status comes when tmux has reaped the process.
# tmux 3.3 sometimes leaves it a zombie for a long while: then the status is read from
# /proc/PID/stat (field 52, the exit code as waitpid reports it).
ui_exit_status() {
	local name=$1 secs=${2:-10} i=0 pid st stat code
	pid=$(ui_pid "$name")
	while :; do
		st=$(ui_tmux display-message -p -t "$name" '#{pane_dead_status}')
		if [ -n "$st" ]; then
			echo "$st"
			return 0
		fi
		stat=$(cat "/proc/$pid/stat" 2>/dev/null)
		case "${stat##*) }" in
		Z*)
			code=$(printf '%s\n' "${stat##*) }" | awk '{ print $50 }')
			if [ $((code & 127)) = 0 ]; then
				echo $((code >> 8))
			else
				echo "signal $((code & 127))"
			fi
			return 0
			;;
		esac
		i=$((i + 1))
		if [ $i -gt $((secs * 10)) ]; then
			ui_screen "$name" >&2
			fail "sendfix did not exit within $secs s"
		fi
		sleep 0.1
	done
}

ui_pid() { ui_tmux display-message -p -t "$1" '#{pane_pid}'; }

# ui_quit NAME KEY STATUS WHEN: KEY (q or F10), the quit question, y; sendfix must then end
# with STATUS. WHEN names the moment in the failure message ("at a question").
ui_quit() {
	local st
	ui_keys "$1" "$2"
	ui_wait "$1" "Quit sendfix? (y/n)"
	ui_keys "$1" y
	st=$(ui_exit_status "$1" 10)
	[ "$st" = "$3" ] || fail "quitting $4 exited $st, expected $3"
}

# ui_process_gone PID SECONDS: the process has ended (a zombie counts as ended).
ui_process_gone() {
	local pid=$1 secs=$2 i=0 st
	while :; do
		st=$(ps -o stat= -p "$pid" 2>/dev/null)
		case "$st" in
		""|Z*) return 0 ;;
		esac
		i=$((i + 1))
		[ $i -gt $((secs * 20)) ] && return 1
		sleep 0.05
	done
}
