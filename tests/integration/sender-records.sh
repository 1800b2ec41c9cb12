#!/bin/sh
# Issue 5's causes through the default tree and --batch, against dnsmasq and a real
# Postfix: when the sending path works, the domain's SPF, DKIM and DMARC records and the
# server's reverse name decide (dns.spf-missing, dns.dkim-missing, dns.dmarc-missing,
# dns.ptr-mismatch); a refusal naming a blocklist is checked against the lists
# (spam.ip-listed, with the delisting page); and a server name that does not exist is
# replaced by the provider's documented one when that works (client.settings-differ).
. "$TESTDIR/integration/lib.sh"
. "$TESTDIR/integration/postfix.sh"
command -v postfix >/dev/null 2>&1 || skip "Postfix is not installed (postfix sasl2-bin libsasl2-modules)"
LAB_NO_MAIL_RECORDS=1
SPF="--txt-record=lab.test,v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 -all"
DKIM="--txt-record=default._domainkey.lab.test,v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC3lab"
DMARC="--txt-record=_dmarc.lab.test,v=DMARC1; p=none"
lab_up

pw="$LAB_TMP/pw"
(umask 077; printf '%s\n' "$LAB_PF_PASS" >"$pw")

# dns_restart DNSMASQ-OPTIONS...: dnsmasq again, with these records.
dns_restart() {
	local pid
	for pid in $(ip netns pids "$LAB_N" 2>/dev/null); do
		[ "$(cat /proc/"$pid"/comm 2>/dev/null)" = dnsmasq ] && kill "$pid"
	done
	sleep 0.2
	lab_dns "$@"
}
# healthy NAME [ARGS...]: a login on 587 that works, with the records dnsmasq now serves.
healthy() {
	r="$LAB_TMP/$1.json"
	shift
	sendfix_batch "$r" --cafile "$LAB_CA" --answer email="$LAB_PF_USER" \
	    --answer smtp.host=smtp.lab.test --answer smtp.port=587 \
	    --answer smtp.security=starttls --answer smtp.user="$LAB_PF_USER" \
	    --answer smtp.password-file="$pw" "$@"
}

lab_dns "$SPF" "$DKIM" "$DMARC"
lab_reference
lab_postfix
healthy all
status_is 0
json_is "$r" '.path[-1]' server-works
json_is "$r" '.probes[] | select(.name == "sender-dns") | .outcome' ok
json_is "$r" '.probes[] | select(.name == "sender-ptr") | .outcome' ok
pass "SPF, DKIM, DMARC and PTR in place: the healthy path exits 0"

# What no probe sees: the user says the mail program still fails with these settings.
healthy stillfails --answer client.still-fails=yes --answer client.mail-scanning=no
status_is 1
json_is "$r" '.causes[0].id' client.not-the-server
healthy avpaused --answer client.still-fails=yes --answer client.mail-scanning=yes \
    --answer client.scanning-paused-works=yes
json_is "$r" '.causes[0].id' antivirus.mail-scanning
healthy avmaybe --answer client.still-fails=yes --answer client.mail-scanning=yes
json_is "$r" '[.causes[].id] | join(" ")' "antivirus.mail-scanning client.not-the-server"
pass "the path works but the mail program fails: client.not-the-server, antivirus.mail-scanning (both, most likely first, when not tried)"

dns_restart "$DKIM" "$DMARC"
healthy nospf
status_is 1
json_is "$r" '.causes[0].id' dns.spf-missing
jq -r '.causes[0].fix[]' "$r" | grep -q 'v=spf1 ' || fail "no SPF record to publish in the fix"
pass "no SPF record: dns.spf-missing, with the record to publish"

dns_restart "--txt-record=lab.test,v=spf1 ip4:198.51.100.1 -all" "$DKIM" "$DMARC"
healthy wrongspf
json_is "$r" '.causes[0].id' dns.spf-missing
pass "an SPF record that leaves the server out: dns.spf-missing"

dns_restart "$SPF" "$DMARC"
healthy nodkim
json_is "$r" '.causes[0].id' dns.dkim-missing
pass "no DKIM key: dns.dkim-missing"

dns_restart "$SPF" "$DKIM"
healthy nodmarc
json_is "$r" '.causes[0].id' dns.dmarc-missing
jq -r '.causes[0].fix[]' "$r" | grep -q 'v=DMARC1' || fail "no DMARC record suggested"
pass "no DMARC record: dns.dmarc-missing, with a record to start with"

dns_restart "$SPF" "$DKIM" "$DMARC" --ptr-record=10.2.0.192.in-addr.arpa,mail.elsewhere.test \
    --ptr-record=0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa,mail.elsewhere.test
healthy ptr
json_is "$r" '.causes[0].id' dns.ptr-mismatch
pass "a reverse name that does not lead back: dns.ptr-mismatch"

# The provider's documented server works where the typed one does not exist: a company
# domain whose MX is at Namecheap's Private Email, served here by the lab's Postfix.
dns_restart "$SPF" "$DKIM" "$DMARC" --mx-host=corp.lab.test,mx1.privateemail.com,10 \
    --host-record=mail.privateemail.com,192.0.2.10,2001:db8::10
r="$LAB_TMP/differ.json"
sendfix_batch "$r" --cafile "$LAB_CA" --answer email=anna@corp.lab.test \
    --answer smtp.host=smtp.corp.lab.test --answer smtp.port=587 --answer smtp.security=starttls
status_is 1
json_is "$r" '.probes[] | select(.name == "provider") | .outcome' known
# The recommendation is tested live before the user's own settings are asked for.
json_is "$r" '.probes[] | select(.node == "confirm-provider") | .outcome' user-works
json_is "$r" '[.path[] | select(. == "confirm-provider" or . == "ask-host")] | join(" ")' \
    "confirm-provider ask-host"
json_is "$r" '.causes[0].id' client.settings-differ
jq -r '.causes[0].fix[]' "$r" | grep -q 'mail.privateemail.com' ||
	fail "the fix does not name the provider's server: $(jq -r '.causes[0].fix[]' "$r")"
jq -r '.causes[0].fix[]' "$r" | grep -q '\${' &&
	fail "a fix step holds an unexpanded reference: $(jq -r '.causes[0].fix[]' "$r")"
jq -r '.causes[0].fix[]' "$r" | tr '\n' ' ' | grep -q 'port field, enter 587\..*encryption to STARTTLS' ||
	fail "the fix does not give the working port and encryption: $(jq -r '.causes[0].fix[]' "$r")"
pass "a server name that does not exist, the provider's works: client.settings-differ"
lab_postfix_stop

# A refusal that names a blocklist, with this network's public address on two lists.
certs="$LAB_TMP/certs"
sh "$TESTDIR/integration/make-fake-certs.sh" "$certs" >/dev/null 2>&1 || fail "certificates"
dns_restart "$SPF" "$DKIM" "$DMARC" --host-record=myip.lab.test,198.51.100.7 \
    --host-record=7.100.51.198.zen.spamhaus.org,127.0.0.2 \
    "--txt-record=7.100.51.198.zen.spamhaus.org,Listed by SBL, see https://check.spamhaus.org/"
ip netns exec "$LAB_N" python3 "$TESTDIR/integration/fake-smtp.py" 192.0.2.10 587 \
    --scenario blocklisted-greeting --tls-cert "$certs/server-chain.pem" \
    --ready-file "$LAB_TMP/ready" 2>"$LAB_TMP/fake.log" &
LAB_PIDS="$LAB_PIDS $!"
i=0
until [ -s "$LAB_TMP/ready" ]; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "fake-smtp.py did not start"; sleep 0.1
done
r="$LAB_TMP/listed.json"
sendfix_batch "$r" --cafile "$certs/ca.pem" --myip-resolver 192.0.2.53 \
    --myip-name myip.lab.test --answer email=anna@lab.test --answer smtp.host=smtp.lab.test \
    --answer smtp.port=587 --answer smtp.security=starttls
status_is 1
json_is "$r" '.causes[0].id' spam.ip-listed
json_is "$r" '.path[-1]' ip-listed-confirmed
jq -r '.causes[0].evidence[]' "$r" | grep -q '198.51.100.7' || fail "the public address is not named"
jq -r '.causes[0].fix[]' "$r" | grep -q 'https://' || fail "no delisting page in the fix"
pass "a blocklist refusal: spam.ip-listed, the public address, the lists and the delisting page"
