#!/bin/sh
# The DNS record layer and the reputation lookups against the lab's dnsmasq, through the
# test-only program tests/dns-query: MX, multi-string TXT, SRV, PTR, CNAME, NXDOMAIN vs
# NODATA, TC then TCP (and TCP blocked), blocklist answers (listed, query refused, not
# listed), the public-address trick, and a resolver that answers nothing.
. "$TESTDIR/integration/lib.sh"

[ "${VALGRIND:-no}" = yes ] && skip "not in the valgrind pass: it runs tests/dns-query, not sendfix"
DNSQ="$(dirname "$SENDFIX")/tests/dns-query"
[ -x "$DNSQ" ] || skip "tests/dns-query is not built"

lab_up
# 800 bytes of TXT: more than fits in a 512-byte UDP answer without EDNS0.
big=$(printf '%0200d' 0)
lab_dns \
    --mx-host=lab.test,smtp.lab.test,10 \
    --mx-host=lab.test,ref.lab.test,20 \
    '--txt-record=multi.lab.test,v=spf1 ,include:spf.lab.test, -all' \
    "--txt-record=big.lab.test,$big,$big,$big,$big" \
    --srv-host=_submission._tcp.lab.test,smtp.lab.test,587,0,1 \
    --cname=alias.lab.test,smtp.lab.test \
    --host-record=myip.opendns.com,198.51.100.7,2001:db8:ffff::7 \
    --host-record=2.2.0.192.bl.lab.test,127.0.0.2 \
    '--txt-record=2.2.0.192.bl.lab.test,Listed: see https://bl.lab.test/?192.0.2.2' \
    --host-record=3.2.0.192.bl.lab.test,127.255.255.254 \
    --host-record=5.2.0.192.bl.lab.test,127.0.0.77 \
    --host-record=2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.lab.test,127.0.0.2

data="$LAB_TMP/reputation"
cat >"$data" <<'EOF'
# The lab's reputation data: everything points at 192.0.2.53.
myip-name myip.opendns.com
myip-resolver 192.0.2.53
myip-resolver 2001:db8::53
list bl.lab.test
title Lab List
ipv6 yes
delist https://bl.lab.test/remove
listed 127.0.0.2 a spam source
refused 127.255.255.254 asked through a public resolver
list v4.lab.test
listed 127.0.0.2 another spam source
EOF

out="$LAB_TMP/out"
# q ARGS...: dns-query in the client namespace against the lab resolver.
q() {
	in_client "$DNSQ" -r 192.0.2.53 -t "$LAB_TIMEOUT" -d "$data" "$@" >"$out" 2>&1 ||
	    fail "dns-query $* failed: $(cat "$out")"
}
# has LINE: the last output holds exactly this line.
has() {
	grep -qFx -- "$1" "$out" || fail "expected \"$1\" in:
$(cat "$out")"
}
lacks() {
	grep -qF -- "$1" "$out" && fail "did not expect \"$1\" in:
$(cat "$out")"
	return 0
}

q mx lab.test
has "status: ok"
has "mx 10 smtp.lab.test"
has "mx 20 ref.lab.test"
pass "MX records"

# The same question to the IPv6 resolver, written with a port.
in_client "$DNSQ" -r '[2001:db8::53]:53' -t "$LAB_TIMEOUT" mx lab.test >"$out" 2>&1 ||
    fail "dns-query over IPv6: $(cat "$out")"
has "mx 10 smtp.lab.test"
pass "--resolver [IPv6]:PORT"

q txt multi.lab.test
has "status: ok"
has "txt 32 [v=spf1 include:spf.lab.test -all]"
pass "a multi-string TXT record is joined without spaces"

q srv _submission._tcp.lab.test
has "srv 0 1 587 smtp.lab.test"
pass "SRV record"

q reverse 192.0.2.10
has "10.2.0.192.in-addr.arpa"
q ptr 10.2.0.192.in-addr.arpa
has "ptr smtp.lab.test"
q reverse 2001:db8::10
has "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
q ptr 0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa
has "ptr smtp.lab.test"
pass "PTR records for IPv4 and nibble-form IPv6 names"

q cname alias.lab.test
has "cname smtp.lab.test"
q a alias.lab.test
has "a 192.0.2.10"
lacks "cname"
pass "CNAME record, and an A question through a CNAME"

q mx nope.lab.test
has "status: nxdomain"
q mx smtp.lab.test
has "status: nodata"
pass "NXDOMAIN and NODATA told apart"

# Row 29/60: an answer too big for UDP comes back with TC and is asked again over TCP.
q txt big.lab.test
has "status: ok"
has "txt 800 [$big$big$big$big]"
has "note: the answer was cut short over UDP (TC); asked again over TCP"
pass "a truncated answer is fetched again over TCP"

# The public address: the resolver answers with the address the question came from.
q myip
has "myip 192.0.2.53 a ok 198.51.100.7"
has "myip 2001:db8::53 aaaa ok 2001:db8:ffff::7"
in_client "$DNSQ" -t "$LAB_TIMEOUT" -m '[2001:db8::53]:53' -n myip.opendns.com myip \
    >"$out" 2>&1 || fail "myip with options: $(cat "$out")"
has "myip [2001:db8::53]:53 aaaa ok 2001:db8:ffff::7"
pass "the public address through myip.opendns.com, from data and from options"

# Without a lab data file the built-in OpenDNS resolvers are used; nothing leaves the lab,
# so they cannot be reached, and that is a status, not a hang or a crash.
in_client "$DNSQ" -t "$LAB_TIMEOUT" myip >"$out" 2>&1 || fail "built-in myip: $(cat "$out")"
grep -q '^myip 208.67.222.222 a \(error\|timeout\)$' "$out" ||
    fail "the built-in resolver should be out of reach: $(cat "$out")"
pass "the built-in public-address resolvers come from the data file"

q dnsbl 192.0.2.2
has "list bl.lab.test listed dns=ok query=2.2.0.192.bl.lab.test"
has "  code 127.0.0.2 listed: a spam source"
has "  reason Listed: see https://bl.lab.test/?192.0.2.2"
has "list v4.lab.test not-listed dns=nxdomain query=2.2.0.192.v4.lab.test"
has "resolver-failure no"
pass "a blocklist answer 127.0.0.2 is a listing, with the list's reason"

q dnsbl 192.0.2.3
has "list bl.lab.test query-refused dns=ok query=3.2.0.192.bl.lab.test"
has "  code 127.255.255.254 refused: asked through a public resolver"
lacks " listed dns="
pass "127.255.255.254 is a refused query, not a listing"

q dnsbl 192.0.2.4
has "list bl.lab.test not-listed dns=nxdomain query=4.2.0.192.bl.lab.test"
q dnsbl 192.0.2.5
has "list bl.lab.test unexpected-answer dns=ok query=5.2.0.192.bl.lab.test"
pass "NXDOMAIN is not listed; an undocumented code is not a listing"

q dnsbl 2001:db8::2
has "list bl.lab.test listed dns=ok query=2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.lab.test"
has "list v4.lab.test not-checked dns=error query=-"
pass "IPv6 addresses in nibble form, only on lists that take them"

# TCP port 53 blocked: the cut answer cannot be completed, and says so (row 60).
in_net iptables -A INPUT -d 192.0.2.53 -p tcp --dport 53 -j DROP
q txt big.lab.test
has "status: truncated"
grep -q "^note: the answer was cut short (TC) and asking again over TCP failed" "$out" ||
    fail "no note about TCP: $(cat "$out")"
q mx lab.test
has "status: ok"
pass "TC with TCP/53 blocked is 'truncated', and small answers still work"

# A resolver that answers nothing: every list fails, which is the resolver's fault.
in_net iptables -A INPUT -d 192.0.2.53 -p udp --dport 53 -j DROP
q dnsbl 192.0.2.2
has "list bl.lab.test timeout dns=timeout query=2.2.0.192.bl.lab.test"
has "resolver-failure yes"
pass "a silent resolver is a resolver failure, not 'not listed'"
