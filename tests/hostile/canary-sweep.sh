#!/bin/sh
# hostile-cases row 1: the password canary sweep, over the healthy path and every failure
# path the lab can produce (also rows 2, 3, 6, 7, 8, 9 as far as the password goes: on those
# paths no AUTH may reach the server at all).
#
# Each path is a scripted server (tests/integration/fake-smtp.py) or a firewall rule at
# smtp.lab.test, and sendfix --batch runs over it twice under strace (write, writev, sendto,
# sendmsg; -yy names each descriptor, -xx shows every byte): once with the JSON report in a
# file, once with the text report on standard output. tests/hostile/canary-scan.py then
# searches the reports, stdout, stderr, every file left in the run's directory (its working
# directory and TMPDIR, where any temporary file goes) and the bytes of every traced write
# for the canary password as plaintext, hex, the AUTH PLAIN blob (raw and base64) and its
# base64 at 3 alignments. The only place the password may go is the server, inside TLS,
# where strace sees ciphertext: any hit fails. The exception is the path where the user
# explicitly allowed a login without encryption (smtp.allow-plaintext=yes, row 6): there
# the base64 forms may go to the server's socket, and the report must say it happened.
# /proc/PID/cmdline and environ, memory and core dumps: tests/hostile/secrets.sh.
. "$TESTDIR/integration/lib.sh"
command -v strace >/dev/null 2>&1 || skip "needs strace"
command -v certtool >/dev/null 2>&1 || skip "needs certtool (gnutls-bin)"
# Under valgrind every write is valgrind's too and the ~40 runs would take minutes; the
# normal and the sanitizer builds run it.
[ "${VALGRIND:-no}" = yes ] && skip "not under valgrind (slow; the normal build covers it)"
# strace needs ptrace; a container may forbid it.
strace -o /dev/null -e trace=write true 2>/dev/null || skip "strace cannot trace here (ptrace)"
# In the sanitizer build: LeakSanitizer cannot run under ptrace and aborts at exit, so leaks
# are left to every other test of that pass (ASan and UBSan still watch these runs).
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
lab_up
lab_dns
lab_reference

CANARY="Canary-4vJ9-pw-Qx7m-2bWk-Hs3T"
USER=anna@lab.test
certs="$LAB_TMP/certs"
sh "$TESTDIR/integration/make-fake-certs.sh" "$certs" >/dev/null 2>&1 ||
	fail "make-fake-certs.sh failed"
pw="$LAB_TMP/pw"
(umask 077; printf '%s\n' "$CANARY" >"$pw")

# The scanner must find what it looks for: the password file itself (plaintext) and the
# AUTH PLAIN line a client would send (base64 of the blob).
scan() { python3 "$TESTDIR/hostile/canary-scan.py" --password "$CANARY" --user "$USER" "$@"; }
scan "$pw" >"$LAB_TMP/control" && fail "canary-scan.py missed the password in its own file"
grep -q "^HIT plain in" "$LAB_TMP/control" || fail "canary-scan.py: $(cat "$LAB_TMP/control")"
printf 'AUTH PLAIN %s\r\n' "$(printf '\0%s\0%s' "$USER" "$CANARY" | base64 -w0)" \
    >"$LAB_TMP/control.auth"
scan "$LAB_TMP/control.auth" >"$LAB_TMP/control" && fail "canary-scan.py missed AUTH PLAIN"
grep -q "^HIT b64-blob in" "$LAB_TMP/control" || fail "canary-scan.py: $(cat "$LAB_TMP/control")"

FAKE_PID=""
flog="$LAB_TMP/fake.log"
# fake PORT SCENARIO [fake-smtp.py options]: the scripted server on 192.0.2.10:PORT.
fake() {
	local port=$1 scen=$2 ready="$LAB_TMP/ready"
	shift 2
	fake_stop
	rm -f "$ready"
	: >"$flog"
	ip netns exec "$LAB_N" python3 "$TESTDIR/integration/fake-smtp.py" 192.0.2.10 "$port" \
	    --scenario "$scen" --ready-file "$ready" --idle-timeout 20 "$@" 2>>"$flog" &
	FAKE_PID=$!
	LAB_PIDS="$LAB_PIDS $FAKE_PID"
	lab_wait_file "$ready"
}
fake_stop() {
	[ -n "$FAKE_PID" ] || return 0
	kill "$FAKE_PID" 2>/dev/null
	wait "$FAKE_PID" 2>/dev/null
	FAKE_PID=""
}

PATHS=0
# sweep NAME AUTH PORT SECURITY [--answer ...]: both runs over the server as it stands now.
# AUTH says what the server must have seen: "tls" (AUTH, after TLS started), "none" (no
# AUTH: the password must not have gone anywhere), "clear" (AUTH without TLS, the user's
# explicit override), "any" (the path does not decide).
sweep() {
	local name=$1 auth=$2 port=$3 sec=$4 d fmt allow="" st
	shift 4
	d="$LAB_TMP/$name"
	mkdir -p "$d/tmp"
	[ "$auth" = clear ] && allow=--allow-smtp-auth
	for fmt in json text; do
		rep="$d/report.$fmt"
		[ "$fmt" = text ] && rep=-
		# The run's own directory is its working directory and TMPDIR, so every file it
		# leaves behind is searched below.
		(cd "$d" && in_client env TMPDIR="$d/tmp" strace -f -yy -xx -s 1048576 -o "$d/strace.$fmt" \
		    -e trace=write,writev,sendto,sendmsg,pwrite64,pwritev \
		    "$SENDFIX" --batch --resolver 192.0.2.53 --reference-host ref.lab.test \
		    --timeout "$LAB_TIMEOUT" --cafile "$certs/ca.pem" --format "$fmt" --report "$rep" \
		    --answer email="$USER" --answer smtp.host=smtp.lab.test \
		    --answer smtp.port="$port" --answer smtp.security="$sec" \
		    --answer smtp.user="$USER" --answer smtp.password-file="$pw" "$@" \
		    >"$d/stdout.$fmt" 2>"$d/stderr.$fmt")
		st=$?
		[ "$st" -le 3 ] || fail "$name ($fmt): sendfix exited $st: $(tail -5 "$d/stderr.$fmt")"
		[ "$fmt" = json ] && { jq -e . "$d/report.json" >/dev/null 2>&1 ||
			fail "$name: the JSON report is not valid JSON"; }
		# Searched: everything in the run's directory but the strace logs (scanned as
		# writes: their text is hex).
		find "$d" -type f ! -name 'strace.*' >"$LAB_TMP/files"
		# shellcheck disable=SC2046
		scan $allow --strace "$d/strace.$fmt" $(cat "$LAB_TMP/files") >"$d/scan.$fmt" ||
			fail "$name ($fmt): the password leaked:
$(grep '^HIT' "$d/scan.$fmt")"
		grep -q '^writes [1-9]' "$d/scan.$fmt" ||
			fail "$name ($fmt): strace saw no write at all: $(head -3 "$d/strace.$fmt")"
		# The sweep is only worth something where the password was in play.
		case $auth in
		tls)
			sed -n '/TLS started/,$p' "$flog" | grep -q "C: AUTH" ||
				fail "$name ($fmt): no AUTH inside TLS: $(cat "$flog")"
			;;
		none)
			grep -q "C: AUTH" "$flog" &&
				fail "$name ($fmt): AUTH was sent: $(cat "$flog")"
			;;
		clear)
			grep -q "C: AUTH" "$flog" ||
				fail "$name ($fmt): no AUTH although allowed: $(cat "$flog")"
			grep -q "TLS started" "$flog" && fail "$name: TLS was used"
			;;
		esac
		: >"$flog"
	done
	PATHS=$((PATHS + 1))
	pass "$name: no trace of the password ($(sed -n 's/^writes \([0-9]*\) bytes \([0-9]*\).*/\1 writes, \2 bytes/p' "$d/scan.json") traced in the JSON run)"
}

chain="--tls-cert $certs/server-chain.pem"
# ---- the healthy paths: the password goes to the server, inside TLS only -----------------
fake 587 healthy $chain
sweep healthy-587-starttls tls 587 starttls
fake 465 healthy $chain --implicit-tls
sweep healthy-465-tls tls 465 tls
# ---- the login refused, in each provider's way -------------------------------------------
fake 587 auth-535 $chain
sweep wrong-password tls 587 starttls
fake 587 auth-534-app-password $chain
sweep app-password-required tls 587 starttls
fake 587 auth-locked $chain
sweep locked-out tls 587 starttls
fake 587 auth-ms-basic-disabled $chain
sweep basic-auth-disabled-login tls 587 starttls
fake 587 oauth-only $chain
sweep auth-unsupported-oauth-only none 587 starttls
fake 587 relay-denied $chain
sweep auth-not-offered none 587 starttls
# ---- after a good login ------------------------------------------------------------------
fake 587 rate-limited $chain
sweep rate-limited-421 tls 587 starttls
fake 587 mail-550-5.1.8 $chain
sweep sender-restricted tls 587 starttls
# ---- STARTTLS refused, stripped or abused: no AUTH at all (rows 2, 3, 4) -----------------
fake 587 healthy
sweep starttls-refused-454 none 587 starttls
fake 587 cisco-inspection $chain
sweep starttls-masked-502 none 587 starttls
fake 587 starttls-injection $chain
sweep starttls-injection none 587 starttls
fake 587 starttls-stripped $chain
sweep starttls-stripped none 587 starttls
fake 587 starttls-required $chain
sweep starttls-off-in-client any 587 none
# ---- cleartext AUTH offered (row 6): refused by default, sent only when allowed ------------
fake 2525 starttls-stripped
sweep plaintext-refused none 2525 none
sweep plaintext-allowed clear 2525 none --answer smtp.allow-plaintext=yes
# ...and strace saw it go out: the sweep's decoding of socket writes works.
grep -q "^HIT b64-blob in .*TCP:.*192.0.2.10:2525.*(allowed" "$LAB_TMP/plaintext-allowed/scan.json" ||
	fail "plaintext-allowed: the AUTH PLAIN line was not seen going to the server:
$(cat "$LAB_TMP/plaintext-allowed/scan.json")"
grep -qiE "without encryption|unencrypted|cleartext|plain ?text" \
    "$LAB_TMP/plaintext-allowed/report.json" ||
	fail "the report does not record the login without encryption:
$(cat "$LAB_TMP/plaintext-allowed/report.json")"
# ---- certificates that must stop the login (rows 7, 8, 9) --------------------------------
fake 465 healthy --tls-cert "$certs/self-signed-chain.pem" --implicit-tls
sweep cert-self-signed none 465 tls
fake 587 healthy --tls-cert "$certs/expired-chain.pem"
sweep cert-expired none 587 starttls
fake 587 healthy --tls-cert "$certs/wrong-name-chain.pem"
sweep cert-wrong-name none 587 starttls
fake 465 plain-on-465 --implicit-tls
sweep plaintext-on-465 none 465 tls
# ---- the network: nothing to log in to ---------------------------------------------------
fake 587 healthy $chain
in_net iptables -A INPUT -s 192.0.2.1 -d 192.0.2.10 -p tcp --dport 587 -j DROP
in_net ip6tables -A INPUT -s 2001:db8::1 -d 2001:db8::10 -p tcp --dport 587 -j DROP
sweep port-filtered none 587 starttls
in_net iptables -D INPUT -s 192.0.2.1 -d 192.0.2.10 -p tcp --dport 587 -j DROP
in_net ip6tables -D INPUT -s 2001:db8::1 -d 2001:db8::10 -p tcp --dport 587 -j DROP
fake_stop
sweep server-down none 587 starttls
sweep host-unresolvable none 587 starttls --answer smtp.host=nowhere.lab.test
grep -q "nowhere.lab.test" "$LAB_TMP/host-unresolvable/report.json" ||
	fail "host-unresolvable: the second smtp.host answer was not the one used"
echo "swept $PATHS paths"
