# postfix.sh: a real Postfix with Cyrus SASL as smtp.lab.test, for the SMTP, TLS and AUTH
# probes' tests. Sourced after lib.sh, used after lab_up:
#
#   . "$TESTDIR/integration/lib.sh"
#   . "$TESTDIR/integration/postfix.sh"
#   lab_up
#   lab_dns
#   lab_postfix [OPTIONS]
#
# The server listens on 192.0.2.10 and [2001:db8::10] (the net namespace) on
#   25   smtpd with the usual relay rules (Debian's main.cf: reject_unauth_destination):
#        mail for lab.test is accepted, mail for any other domain is
#        "554 5.7.1 <...>: Relay access denied"; STARTTLS offered, no AUTH
#   587  submission: STARTTLS required ("530 5.7.0 Must issue a STARTTLS command first"),
#        then AUTH; only authenticated clients may send
#   465  submissions: TLS from the first byte (RFC 8314), then AUTH as on 587
# Accepted mail is thrown away (discard:), never delivered anywhere; nothing it runs looks
# anything up in the DNS.
#
# One account: $LAB_PF_USER ("anna@lab.test") with password $LAB_PF_PASS ("correct horse").
# Certificates from make-lab-certs.sh are in $LAB_CERTS; $LAB_CA is the lab CA a client must
# trust (--cafile "$LAB_CA"). The server's log is $LAB_PF_LOG, its configuration directory
# $LAB_PF_DIR.
#
# Options:
#   --cert valid|expired|wrong-name   the certificate the server shows (default valid:
#                                     smtp.lab.test, 192.0.2.10, 2001:db8::10)
#   --mech "PLAIN LOGIN"              the AUTH mechanisms offered (default
#                                     "PLAIN LOGIN CRAM-MD5")
#   --no-starttls                     587 speaks plaintext only: no STARTTLS, AUTH offered
#                                     without encryption (465 still TLS)
#   --ports "25 587"                  the ports that listen (default "25 587 465")
#   --set NAME=VALUE                  a main.cf parameter (postconf -e), repeatable, e.g.
#                                     --set 'smtpd_banner=$myhostname ESMTP' or
#                                     --set smtpd_tls_protocols='>=TLSv1.3'
#   --service-set PORT/NAME=VALUE     a -o override for one service (postconf -P), e.g.
#                                     --service-set 587/smtpd_tls_security_level=may
#
# Stopping: lab_postfix replaces lib.sh's EXIT trap with one that stops Postfix's master
# (SIGTERM, which takes its children down) before lab_down; lab_down also kills whatever is
# left in the namespace. lab_postfix_stop may be called earlier, e.g. to restart with other
# options.

LAB_PF_USER="anna@lab.test"
LAB_PF_PASS="correct horse"
LAB_PF_DIR=""
LAB_PF_LOG=""
LAB_PF_MASTER=""
LAB_PF_STARTER=""
LAB_PF_RUNS=0
LAB_CERTS=""
LAB_CA=""

lab_postfix_require() {
	local t
	for t in postfix postconf saslpasswd2 certtool ss; do
		command -v "$t" >/dev/null 2>&1 || skip "needs $t (Postfix lab: postfix sasl2-bin gnutls-bin)"
	done
	id postfix >/dev/null 2>&1 || skip "needs the postfix user (the postfix package)"
	[ -f /usr/lib/x86_64-linux-gnu/sasl2/libsasldb.so ] || ls /usr/lib/*/sasl2/libsasldb.so \
	    >/dev/null 2>&1 || skip "needs the sasldb plugin (libsasl2-modules-db)"
}

# lab_postfix_certs: the lab's certificates, made once per test.
lab_postfix_certs() {
	[ -n "$LAB_CA" ] && [ -f "$LAB_CA" ] && return 0
	LAB_CERTS="$LAB_TMP/certs"
	sh "$TESTDIR/integration/make-lab-certs.sh" "$LAB_CERTS" || fail "make-lab-certs.sh failed"
	LAB_CA="$LAB_CERTS/ca.pem"
}

lab_postfix() {
	local cert=server mech="PLAIN LOGIN CRAM-MD5" starttls=1 ports="25 587 465"
	local sets="" svcsets="" nl='
'
	while [ $# -gt 0 ]; do
		case $1 in
		--cert)
			case ${2:-} in
			valid) cert=server ;;
			expired | wrong-name) cert=$2 ;;
			*) fail "lab_postfix: --cert valid|expired|wrong-name, not '${2:-}'" ;;
			esac
			shift 2 ;;
		--mech) mech=${2:?}; shift 2 ;;
		--no-starttls) starttls=0; shift ;;
		--ports) ports=${2:?}; shift 2 ;;
		--set) sets="$sets${2:?}$nl"; shift 2 ;;
		--service-set) svcsets="$svcsets${2:?}$nl"; shift 2 ;;
		*) fail "lab_postfix: unknown option $1" ;;
		esac
	done
	if [ -z "$LAB_TMP" ] || [ "$LAB_UP" != 1 ]; then
		fail "lab_postfix needs lab_up first"
	fi
	[ -z "$LAB_PF_MASTER" ] || fail "lab_postfix: a lab Postfix is already running (lab_postfix_stop first)"
	lab_postfix_require
	lab_postfix_certs

	# A fresh directory for each start: a restarted lab never sees the last one's queue.
	LAB_PF_RUNS=$((LAB_PF_RUNS + 1))
	local top="$LAB_TMP/postfix.$LAB_PF_RUNS"
	local dir="$top/etc" q="$top/queue" data="$top/data" sasl="$top/etc/sasl"
	LAB_PF_DIR=$dir
	LAB_PF_LOG="$LAB_TMP/postfix.log"
	# Postfix's daemons run as the postfix user and open the sasldb long after dropping
	# privileges: every directory above it must let that user through (but not list).
	chmod 711 "$LAB_TMP"
	mkdir -p "$dir" "$q" "$data" "$sasl"
	chmod 755 "$top" "$dir" "$sasl"
	chown postfix "$data" && chmod 700 "$data"

	cat >"$dir/main.cf" <<EOF
# The sendfix lab's Postfix: made by tests/integration/postfix.sh.
compatibility_level = 3.6
queue_directory = $q
data_directory = $data
mail_owner = postfix
setgid_group = postdrop
maillog_file = /dev/stdout
myhostname = smtp.lab.test
mydomain = lab.test
myorigin = \$mydomain
mydestination =
inet_interfaces = 192.0.2.10, [2001:db8::10]
inet_protocols = ipv4, ipv6
mynetworks = 127.0.0.0/8 [::1]/128
smtpd_banner = \$myhostname ESMTP Postfix (sendfix lab)
biff = no
append_dot_mydomain = no
alias_maps =
alias_database =
# Nothing leaves: the lab's domain is accepted and discarded, so is anything an
# authenticated client relays, and nothing is looked up in the DNS.
virtual_mailbox_domains = lab.test
virtual_mailbox_maps = static:ok
virtual_transport = discard:
local_transport = discard:
relay_transport = discard:
default_transport = discard:
smtpd_peername_lookup = no
# Written out: Postfix's own default ends in defer_unauth_destination ("454 4.7.1 ...
# Relay access denied"); Debian's main.cf and real servers reject ("554 5.7.1").
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
smtp_dns_support_level = disabled
# TLS: offered on 25 and 587, required on 587, wrapped on 465 (master.cf).
smtpd_tls_chain_files = $LAB_CERTS/$cert-chain.pem
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
# SASL: Cyrus with its own sasldb, no saslauthd; switched on per service in master.cf.
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
cyrus_sasl_config_path = $sasl
smtpd_sasl_auth_enable = no
smtpd_sasl_security_options = noanonymous
EOF

	cat >"$sasl/smtpd.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
mech_list: $mech
sasldb_path: $sasl/sasldb2
EOF
	printf '%s' "$LAB_PF_PASS" | saslpasswd2 -f "$sasl/sasldb2" -p -c -u lab.test "${LAB_PF_USER%@*}" ||
		fail "saslpasswd2 failed"
	chgrp postfix "$sasl/sasldb2" && chmod 640 "$sasl/sasldb2"

	# master.cf: no chroot anywhere (the queue directory has no copy of /etc).
	local sub587 auth="-o smtpd_sasl_auth_enable=yes -o smtpd_relay_restrictions=permit_sasl_authenticated,reject"
	if [ "$starttls" = 1 ]; then
		sub587="-o smtpd_tls_security_level=encrypt $auth"
	else
		sub587="-o smtpd_tls_security_level=none $auth"
	fi
	{
		local p
		for p in $ports; do
			case $p in
			25) echo "25 inet n - n - - smtpd" ;;
			587) echo "587 inet n - n - - smtpd -o syslog_name=postfix/submission $sub587" ;;
			465) echo "465 inet n - n - - smtpd -o syslog_name=postfix/submissions -o smtpd_tls_wrappermode=yes $auth" ;;
			*) echo "$p inet n - n - - smtpd" ;;
			esac
		done
		cat <<'EOF'
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
tlsmgr unix - - n 1000? 1 tlsmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
EOF
	} >"$dir/master.cf"

	local kv
	while IFS= read -r kv; do
		[ -n "$kv" ] && { postconf -c "$dir" -e "$kv" || fail "lab_postfix: --set $kv"; }
	done <<EOF
$sets
EOF
	while IFS= read -r kv; do
		[ -n "$kv" ] || continue
		# PORT/NAME=VALUE -> postconf -P PORT/inet/NAME=VALUE
		postconf -c "$dir" -P "${kv%%/*}/inet/${kv#*/}" || fail "lab_postfix: --service-set $kv"
	done <<EOF
$svcsets
EOF

	# Postfix re-reads a configuration file until it is two seconds old (to never read one
	# half written): backdated, the start is two seconds shorter.
	touch -d "@$(($(date +%s) - 10))" "$dir/main.cf" "$dir/master.cf"

	# "check" creates the queue's subdirectories with the right owners and complains
	# about anything Postfix would refuse; start-fg then skips repeating it (quick-start).
	# It must run in the namespace: it checks that inet_interfaces exist. Postfix commands
	# print their errors only to a terminal, so a failure is repeated under script(1).
	if ! in_net postfix -c "$dir" check >"$LAB_TMP/postfix-check.log" 2>&1; then
		command -v script >/dev/null 2>&1 &&
			in_net script -qec "postfix -c '$dir' check" /dev/null >>"$LAB_TMP/postfix-check.log" 2>&1
		fail "postfix check failed: $(cat "$LAB_TMP/postfix-check.log")"
	fi
	touch "$q/quick-start"

	# Started without the in_net function so that $! is the process itself. start-fg runs
	# postfix-script, which keeps master as its child; both go into LAB_PIDS.
	ip netns exec "$LAB_N" postfix -c "$dir" start-fg >>"$LAB_PF_LOG" 2>&1 &
	LAB_PF_STARTER=$!
	LAB_PIDS="$LAB_PIDS $LAB_PF_STARTER"
	trap 'lab_postfix_stop; lab_down' EXIT

	local i=0 want="" listening
	for p in $ports; do
		want="$want 192.0.2.10:$p [2001:db8::10]:$p"
	done
	while :; do
		if [ -z "$LAB_PF_MASTER" ] && [ -s "$q/pid/master.pid" ]; then
			LAB_PF_MASTER=$(tr -d ' \n' <"$q/pid/master.pid")
			LAB_PIDS="$LAB_PIDS $LAB_PF_MASTER"
		fi
		listening=$(in_net ss -Hltn 2>/dev/null | awk '{print $4}')
		local missing=""
		for kv in $want; do
			printf '%s\n' "$listening" | grep -qxF "$kv" || missing="$missing $kv"
		done
		[ -z "$missing" ] && [ -n "$LAB_PF_MASTER" ] && break
		kill -0 "$LAB_PF_STARTER" 2>/dev/null ||
			fail "Postfix stopped while starting: $(cat "$LAB_PF_LOG")"
		i=$((i + 1))
		[ $i -gt 250 ] && fail "Postfix did not listen on$missing within 5 s: $(cat "$LAB_PF_LOG")"
		sleep 0.02
	done
}

# lab_postfix_stop: stop the lab's Postfix (master and all its children) and wait for it.
lab_postfix_stop() {
	local i=0 p master="$LAB_PF_MASTER"
	[ -n "$LAB_PF_MASTER" ] || [ -n "$LAB_PF_STARTER" ] || return 0
	[ -n "$LAB_PF_MASTER" ] && kill "$LAB_PF_MASTER" 2>/dev/null
	# master ends its children on SIGTERM; give them a moment, then no more.
	while [ -n "$LAB_PF_MASTER" ] && kill -0 "$LAB_PF_MASTER" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			kill -9 "$LAB_PF_MASTER" 2>/dev/null
			break
		fi
		sleep 0.02
	done
	[ -n "$LAB_PF_STARTER" ] && { kill "$LAB_PF_STARTER" 2>/dev/null; wait "$LAB_PF_STARTER" 2>/dev/null; }
	# Its children get SIGTERM from master and end a moment later; whatever is still in the
	# namespace after a second (a Postfix daemon by name, or anything in master's process
	# group) is killed.
	i=0
	while :; do
		local left=""
		for p in $(ip netns pids "$LAB_N" 2>/dev/null); do
			case $(cat "/proc/$p/comm" 2>/dev/null) in
			master | postfix-script | smtpd | qmgr | tlsmgr | cleanup | trivial-rewrite | \
			    anvil | postlogd | proxymap | bounce | discard | error | scache | verify | \
			    flush | showq | pickup | smtp | lmtp | local | virtual | pipe | postscreen | \
			    tlsproxy | dnsblog)
				left="$left $p" ;;
			*)
				[ -n "$master" ] &&
				    [ "$(cut -d' ' -f5 "/proc/$p/stat" 2>/dev/null)" = "$master" ] &&
				    left="$left $p" ;;
			esac
		done
		[ -z "$left" ] && break
		i=$((i + 1))
		if [ $i -gt 50 ]; then
			# shellcheck disable=SC2086
			kill -9 $left 2>/dev/null
			sleep 0.05
			break
		fi
		sleep 0.02
	done
	local new="" x
	for x in $LAB_PIDS; do
		[ "$x" = "$LAB_PF_MASTER" ] || [ "$x" = "$LAB_PF_STARTER" ] || new="$new $x"
	done
	LAB_PIDS=$new
	LAB_PF_MASTER=""
	LAB_PF_STARTER=""
}
