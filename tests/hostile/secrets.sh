#!/bin/sh
# hostile-cases rows 34, 35: the password's channels and its life in memory.
#
# Row 34: a password file that is a symbolic link or belongs to another user is refused,
# one other users can read is used with a warning, in both `sendfix probe smtp
# --password-file` and `--answer smtp.password-file=` (batch); the password is never on
# the command line or in the environment (there is no environment variable for it).
# Row 35: sendfix runs as an ordinary user (nobody) against a scripted server
# (fake-smtp.py slow-mail: STARTTLS, AUTH accepted, then 6 s of silence after MAIL) and,
# while it waits there with the password held, tests/hostile/secrets-watch.py checks from
# outside: /proc/PID is root's (the process is not dumpable), the core size limit is 0, the
# canary password is in neither cmdline nor environ, and /proc/PID/mem holds no AUTH PLAIN
# blob, no base64 of the password (3 alignments) and at most the one copy of the password
# the probe still holds; then SIGSEGV must leave no core dump.
. "$TESTDIR/integration/lib.sh"
# Under valgrind the process that holds the memory is valgrind's, and a SIGSEGV is its report.
[ "${VALGRIND:-no}" = yes ] && skip "not under valgrind: the memory and the core dump are valgrind's"
command -v setpriv >/dev/null 2>&1 || skip "needs setpriv (util-linux) to run sendfix as nobody"
command -v certtool >/dev/null 2>&1 || skip "needs certtool (gnutls-bin)"
lab_up
lab_dns

CANARY="Canary-7f3Q-pw-9xZ2-kT4m-Lr8v"
USER=anna@lab.test
NOBODY=65534
certs="$LAB_TMP/certs"
sh "$TESTDIR/integration/make-fake-certs.sh" "$certs" >/dev/null 2>&1 ||
	fail "make-fake-certs.sh failed"
ready="$LAB_TMP/fake.ready"
ip netns exec "$LAB_N" python3 "$TESTDIR/integration/fake-smtp.py" 192.0.2.10 587 \
    --scenario slow-mail --tls-cert "$certs/server-chain.pem" --ready-file "$ready" \
    --idle-timeout 20 2>"$LAB_TMP/fake.log" &
LAB_PIDS="$LAB_PIDS $!"
lab_wait_file "$ready"

out="$LAB_TMP/out"
# no_canary FILE...: the password appears in none of them.
no_canary() {
	grep -qF -- "$CANARY" "$@" && fail "the password appears in $*"
	return 0
}
# probe ARGS...: sendfix probe smtp against smtp.lab.test, output in $out and $out.stderr.
probe() {
	in_client "$SENDFIX" probe smtp smtp.lab.test --port 587 --user "$USER" \
	    --resolver 192.0.2.53 --timeout "$LAB_TIMEOUT" --cafile "$certs/ca.pem" "$@" \
	    >"$out" 2>"$out.stderr"
	SENDFIX_STATUS=$?
}
stderr_has() {
	grep -qF -- "$1" "$out.stderr" || fail "stderr lacks \"$1\":
$(cat "$out.stderr")"
}

# ---- row 34: which password files are taken ----------------------------------------
pw="$LAB_TMP/pw"
printf '%s\n' "$CANARY" >"$pw"
chmod 600 "$pw"
ln -s "$pw" "$LAB_TMP/pw-link"

probe --password-file "$LAB_TMP/pw-link"
status_is 2
stderr_has "is a symbolic link"
no_canary "$out" "$out.stderr"
in_client "$SENDFIX" --batch --resolver 192.0.2.53 --timeout "$LAB_TIMEOUT" \
    --answer smtp.password-file="$LAB_TMP/pw-link" >"$out" 2>"$out.stderr"
SENDFIX_STATUS=$?
status_is 2
stderr_has "is a symbolic link"
no_canary "$out" "$out.stderr"
pass "a symbolic link as password file is refused (probe and batch)"

cp "$pw" "$LAB_TMP/pw-foreign"
chown "$NOBODY" "$LAB_TMP/pw-foreign"
probe --password-file "$LAB_TMP/pw-foreign"
status_is 2
stderr_has "belongs to another user"
no_canary "$out" "$out.stderr"
pass "a password file of another user is refused"

cp "$pw" "$LAB_TMP/pw-open"
chmod 644 "$LAB_TMP/pw-open"
probe --password-file "$LAB_TMP/pw-open"
stderr_has "can be read by other users (chmod 600"
grep -q "^C: AUTH" "$out" || grep -q "AUTH" "$out" ||
	fail "with a readable password file the probe did not go on to log in: $(cat "$out")"
no_canary "$out" "$out.stderr"
pass "a password file others can read is used, with a warning"

# ---- row 35: the process from outside while it holds the password -----------------------
# sendfix runs as nobody so that its dumpability shows: /proc/PID of a process that is not
# dumpable belongs to root. Its files: a directory of its own (also its working directory,
# where a core would land), a copy of the CA, its password file.
home="$LAB_TMP/nobody"
mkdir "$home"
cp "$certs/ca.pem" "$home/ca.pem"
printf '%s\n' "$CANARY" >"$home/pw"
chmod 600 "$home/pw"
chown -R "$NOBODY" "$home"
chmod 711 "$LAB_TMP"

# Control: the same user's ordinary process has /proc/PID of its own, and dumps core here
# (if the kernel writes core files at all: core_pattern may hand them to a program).
setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups -- \
    sh -c 'cd "$1" && sleep 0.5 && ulimit -c unlimited && kill -SEGV $$' sh "$home" \
    2>/dev/null &
ctl=$!
i=0
while [ "$(stat -c %u "/proc/$ctl/status" 2>/dev/null)" != "$NOBODY" ]; do
	i=$((i + 1))
	[ $i -gt 40 ] && fail "control: a process of nobody does not own its /proc/PID"
	sleep 0.01
done
wait "$ctl" 2>/dev/null
core_files=0
ls "$home"/core* >/dev/null 2>&1 && core_files=1
rm -f "$home"/core*

watch="$LAB_TMP/watch"
# In the sanitizer build, ASan would catch the SIGSEGV below and exit instead of dying of it.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0"
export ASAN_OPTIONS
(cd "$home" && python3 "$TESTDIR/hostile/secrets-watch.py" --canary "$CANARY" --user "$USER" \
    --wait-file "$LAB_TMP/fake.log" --wait-text "C: MAIL FROM" --out "$watch" -- \
    ip netns exec "$LAB_C" setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups -- \
    "$SENDFIX" probe smtp smtp.lab.test --port 587 --user "$USER" --password-file pw \
    --from "$USER" --resolver 192.0.2.53 --timeout 10 --cafile ca.pem) ||
	fail "secrets-watch.py failed: $(tail -5 "$LAB_TMP/fake.log")"
grep -q "C: AUTH" "$LAB_TMP/fake.log" || fail "sendfix did not log in before MAIL"
obs() { sed -n "s/^$1 //p" "$watch"; }
[ "$(obs uid-proc)" = 0 ] ||
	fail "/proc/PID belongs to uid $(obs uid-proc): sendfix is dumpable"
pass "not dumpable while it holds the password (/proc/PID is root's)"
[ "$(obs core-limit)" = "0 0" ] || fail "core size limit is $(obs core-limit), expected 0 0"
pass "core size limit 0 (soft and hard) although it started unlimited"
[ "$(obs cmdline-hit)" = 0 ] || fail "the password is in /proc/PID/cmdline"
[ "$(obs environ-hit)" = 0 ] || fail "the password is in /proc/PID/environ"
pass "the password is in neither the command line nor the environment"
if [ "$(obs mem-read)" = 1 ]; then
	[ "$(obs mem-derived)" = 0 ] ||
		fail "$(obs mem-derived) copies of the AUTH PLAIN blob or the password's base64 in memory"
	[ "$(obs mem-plain)" -le 1 ] ||
		fail "$(obs mem-plain) copies of the password in memory, expected at most the one held"
	pass "after AUTH: no encoded copy and $(obs mem-plain) held copy of the password in memory"
	[ "$(obs mem-skipped)" = 0 ] || echo "NOTE: $(obs mem-skipped) mappings over 1 GiB" \
	    "(a sanitizer's reservations, its heap among them) were not searched"
else
	echo "NOTE: /proc/PID/mem could not be read (no CAP_SYS_PTRACE?): memory not checked"
fi
[ "$(obs signal)" = 11 ] || fail "SIGSEGV did not end sendfix (signal $(obs signal))"
[ "$(obs core-dumped)" = 0 ] || fail "the kernel dumped sendfix's core"
ls "$home"/core* >/dev/null 2>&1 && fail "a core file appeared: $(ls "$home")"
if [ "$core_files" = 1 ]; then
	pass "SIGSEGV with the password held: no core (the control process did dump one)"
else
	pass "SIGSEGV with the password held: no core dumped (this kernel writes no core files" \
	    "even for the control, so only its 'core dumped' flag was checked)"
fi

# The wizard's path (batch): the answers store and the probe's argument hold the password
# while the smtp probe runs, so at most two plain copies; never an encoded one.
n0=$(grep -c "C: MAIL FROM" "$LAB_TMP/fake.log")
a0=$(grep -c "C: AUTH" "$LAB_TMP/fake.log")
(cd "$home" && python3 "$TESTDIR/hostile/secrets-watch.py" --canary "$CANARY" --user "$USER" \
    --wait-file "$LAB_TMP/fake.log" --wait-text "C: MAIL FROM" --wait-count $((n0 + 1)) \
    --out "$watch" -- \
    ip netns exec "$LAB_C" setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups -- \
    "$SENDFIX" --batch --resolver 192.0.2.53 --reference-host ref.lab.test --timeout 10 \
    --cafile ca.pem --answer email="$USER" --answer smtp.host=smtp.lab.test \
    --answer smtp.port=587 --answer smtp.security=starttls --answer smtp.user="$USER" \
    --answer smtp.password-file=pw) ||
	fail "secrets-watch.py (batch) failed: $(tail -5 "$LAB_TMP/fake.log")"
[ "$(grep -c "C: AUTH" "$LAB_TMP/fake.log")" -gt "$a0" ] || fail "batch: no AUTH before MAIL"
[ "$(obs uid-proc)" = 0 ] && [ "$(obs core-limit)" = "0 0" ] ||
	fail "batch: dumpable or core limit not 0: $(cat "$watch")"
if [ "$(obs mem-read)" = 1 ]; then
	[ "$(obs mem-derived)" = 0 ] ||
		fail "batch: $(obs mem-derived) encoded copies of the password in memory"
	[ "$(obs mem-plain)" -le 2 ] ||
		fail "batch: $(obs mem-plain) copies of the password in memory, expected at most 2"
fi
[ "$(obs core-dumped)" = 0 ] || fail "batch: the kernel dumped sendfix's core"
ls "$home"/core* >/dev/null 2>&1 && fail "batch: a core file appeared: $(ls "$home")"
pass "batch, after AUTH: not dumpable, no encoded copy, $(obs mem-plain) held copies, no core"
