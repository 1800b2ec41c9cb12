# lib.sh: sourced by the integration tests. Builds a small lab out of network namespaces:
#
#   client namespace  --veth--  net namespace
#   192.0.2.1                   192.0.2.53  dnsmasq (lab.test zone)
#   2001:db8::1                 192.0.2.10  smtp.lab.test   (the user's mail server)
#                               192.0.2.20  ref.lab.test    (reference host)
#                               192.0.2.30  down.lab.test   (everything to it dropped)
#                               192.0.2.31  gone.lab.test   (nothing listens)
#                               and the same on 2001:db8::NN
#
# Neither namespace has a default route, so nothing a test starts can reach any address
# outside the lab (192.0.2.0/24 and 2001:db8::/64 are documentation ranges). sendfix always
# runs inside the client namespace. Every process a test starts is stopped on exit.

set -u

: "${SENDFIX:?SENDFIX must name the sendfix binary}"
: "${TESTDIR:?TESTDIR must name the tests directory}"

LAB_ID="sfx$$"
LAB_C="${LAB_ID}c"
LAB_N="${LAB_ID}n"
LAB_TMP=""
LAB_PIDS=""
LAB_UP=0
# Short timeouts keep the suite quick; the lab answers in microseconds. Under valgrind
# ("make check-valgrind" sets VALGRIND=yes) sendfix runs 20 to 50 times slower, so a TLS
# handshake alone can take seconds: LAB_SLOW (default 4 there, 1 otherwise) scales the
# timeout sendfix is given.
if [ "${VALGRIND:-no}" = yes ]; then
	LAB_SLOW=${LAB_SLOW:-4}
else
	LAB_SLOW=${LAB_SLOW:-1}
fi
LAB_TIMEOUT=$((2 * LAB_SLOW))
# The wizard first offers the accounts of the mail programs under $HOME: no test may depend
# on the settings of whoever runs it (a test that wants some passes --home).
HOME=/nonexistent
export HOME

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
pass() { echo "PASS: $*"; }

lab_require() {
	[ "$(id -u)" = 0 ] || skip "needs root to create network namespaces"
	for t in ip iptables ip6tables dnsmasq jq python3; do
		command -v "$t" >/dev/null 2>&1 || skip "needs $t"
	done
	ip netns add "${LAB_ID}probe" 2>/dev/null || skip "cannot create network namespaces here"
	ip netns del "${LAB_ID}probe"
}

lab_down() {
	local p
	for p in $LAB_PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $LAB_PIDS; do
		wait "$p" 2>/dev/null
	done
	LAB_PIDS=""
	if [ "$LAB_UP" = 1 ]; then
		# Anything else still running in the lab (a server started by hand, a sendfix
		# that outlived its test) goes too: a deleted namespace does not stop processes.
		for p in $(ip netns pids "$LAB_C" 2>/dev/null) $(ip netns pids "$LAB_N" 2>/dev/null); do
			kill -9 "$p" 2>/dev/null
		done
		ip netns del "$LAB_C" 2>/dev/null
		ip netns del "$LAB_N" 2>/dev/null
		LAB_UP=0
	fi
	[ -n "$LAB_TMP" ] && rm -rf "$LAB_TMP"
	LAB_TMP=""
}

# in_client CMD...: run a command in the client namespace.
in_client() { ip netns exec "$LAB_C" "$@"; }
# in_net CMD...: run a command in the net namespace (servers, firewall rules).
in_net() { ip netns exec "$LAB_N" "$@"; }

lab_up() {
	lab_require
	LAB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sendfix-lab.XXXXXX")
	trap lab_down EXIT
	trap 'exit 130' INT TERM
	ip netns add "$LAB_C" || fail "ip netns add"
	ip netns add "$LAB_N" || fail "ip netns add"
	LAB_UP=1
	ip link add "${LAB_ID}a" type veth peer name "${LAB_ID}b" || fail "veth"
	ip link set "${LAB_ID}a" netns "$LAB_C"
	ip link set "${LAB_ID}b" netns "$LAB_N"
	in_client ip link set lo up
	in_net ip link set lo up
	in_client ip addr add 192.0.2.1/24 dev "${LAB_ID}a"
	in_client ip -6 addr add 2001:db8::1/64 dev "${LAB_ID}a" nodad
	in_client ip link set "${LAB_ID}a" up
	for a in 53 10 20 30 31; do
		in_net ip addr add "192.0.2.$a/24" dev "${LAB_ID}b"
		in_net ip -6 addr add "2001:db8::$a/64" dev "${LAB_ID}b" nodad
	done
	in_net ip link set "${LAB_ID}b" up
	# The kernel sends ICMP errors to one peer in a burst of 6, then 1 a second. sendfix's
	# probes run side by side (issue 8), so a port a test REJECTs is asked several times
	# at once, and the errors past the burst would be dropped: that address then looks
	# silent, at random. Routers do limit ICMP too; the lab does not, so a test's rejected
	# port is rejected every time and its expected report holds.
	in_net sysctl -qw net.ipv4.icmp_ratelimit=0
	in_net sysctl -qw net.ipv6.icmp.ratelimit=0
	# down.lab.test: a server that has gone away without a trace.
	in_net iptables -A INPUT -d 192.0.2.30 -j DROP
	in_net ip6tables -A INPUT -d 2001:db8::30 -j DROP
}

# lab_wait_file FILE: wait up to 5 s for a server to say it is ready.
lab_wait_file() {
	local i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "a lab server did not start (waited for $1)"
		sleep 0.05
	done
}

# lab_dns [EXTRA DNSMASQ OPTIONS]: the lab's DNS server on 192.0.2.53 and 2001:db8::53.
lab_dns() {
	# lab.test publishes the mail records receivers check (SPF for smtp.lab.test, a DKIM
	# key at the common selector "default", DMARC), so a healthy path stays healthy;
	# LAB_NO_MAIL_RECORDS=1 leaves them out for tests that bring their own.
	if [ "${LAB_NO_MAIL_RECORDS:-0}" != 1 ]; then
		set -- "--txt-record=lab.test,v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 -all" \
		    "--txt-record=default._domainkey.lab.test,v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC3lab" \
		    "--txt-record=_dmarc.lab.test,v=DMARC1; p=none; rua=mailto:postmaster@lab.test" \
		    "$@"
	fi
	# Started without the in_net function so that $! is the server itself, not a subshell.
	ip netns exec "$LAB_N" dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces \
	    --listen-address=192.0.2.53 --listen-address=2001:db8::53 \
	    --user=root --group=root --pid-file="$LAB_TMP/dnsmasq.pid" --log-facility=- \
	    --local=/lab.test/ \
	    --host-record=smtp.lab.test,192.0.2.10,2001:db8::10 \
	    --host-record=ref.lab.test,192.0.2.20,2001:db8::20 \
	    --host-record=down.lab.test,192.0.2.30,2001:db8::30 \
	    --host-record=gone.lab.test,192.0.2.31,2001:db8::31 \
	    --txt-record=noaddr.lab.test,"no address here" \
	    "$@" >"$LAB_TMP/dnsmasq.log" 2>&1 &
	LAB_PIDS="$LAB_PIDS $!"
	local i=0
	until grep -q "started" "$LAB_TMP/dnsmasq.log"; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "dnsmasq did not start: $(cat "$LAB_TMP/dnsmasq.log")"
		sleep 0.05
	done
}

# lab_listen NAME ADDR:PORT...: a listener answering with an SMTP banner.
lab_listen() {
	local name=$1
	shift
	ip netns exec "$LAB_N" python3 "$TESTDIR/integration/fake-listener.py" --ready "$LAB_TMP/$name.ready" \
	    "$@" >"$LAB_TMP/$name.log" 2>&1 &
	LAB_PIDS="$LAB_PIDS $!"
	lab_wait_file "$LAB_TMP/$name.ready"
}

# lab_reference: ref.lab.test answers on 25, 465, 587 and 2525, like a large provider.
lab_reference() {
	lab_listen ref 192.0.2.20:25 192.0.2.20:465 192.0.2.20:587 192.0.2.20:2525 \
	    '[2001:db8::20]:25' '[2001:db8::20]:465' '[2001:db8::20]:587' '[2001:db8::20]:2525'
}

# lab_server PORT...: smtp.lab.test answers on these ports (IPv4 and IPv6).
lab_server() {
	local specs="" p
	for p in "$@"; do
		specs="$specs 192.0.2.10:$p [2001:db8::10]:$p"
	done
	# shellcheck disable=SC2086
	lab_listen server $specs
}

# sendfix_batch OUT ARGS...: sendfix --batch in the client namespace against the lab;
# the JSON report goes to OUT, the exit status to $SENDFIX_STATUS.
sendfix_batch() {
	local out=$1
	shift
	in_client "$SENDFIX" --batch --resolver 192.0.2.53 --reference-host ref.lab.test \
	    --timeout "$LAB_TIMEOUT" --format json --report "$out" "$@" \
	    2>"$out.stderr"
	SENDFIX_STATUS=$?
	LAB_LAST_REPORT=$out
	jq -e . "$out" >/dev/null 2>&1 || fail "the report is not valid JSON: $(cat "$out" "$out.stderr")"
}

# json_is FILE FILTER EXPECTED: jq -r FILTER FILE must print EXPECTED.
json_is() {
	local got
	got=$(jq -r "$2" "$1")
	[ "$got" = "$3" ] || fail "$2 is \"$got\", expected \"$3\" (report: $1)
$(cat "$1")"
}

status_is() {
	[ "$SENDFIX_STATUS" = "$1" ] || fail "exit status $SENDFIX_STATUS, expected $1
$(cat "${LAB_LAST_REPORT:-/dev/null}" "${LAB_LAST_REPORT:-/dev/null}.stderr" 2>/dev/null)"
}

# isolated CMD...: run a command in a fresh namespace with only a loopback interface, for
# tests that start sendfix without a lab.
isolated() {
	ip netns exec "$LAB_C" "$@"
}

# lab_empty: just the client namespace, with loopback only.
lab_empty() {
	lab_require
	LAB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sendfix-lab.XXXXXX")
	trap lab_down EXIT
	trap 'exit 130' INT TERM
	ip netns add "$LAB_C" || fail "ip netns add"
	ip netns add "$LAB_N" || fail "ip netns add"
	LAB_UP=1
	in_client ip link set lo up
}
