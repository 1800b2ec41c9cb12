#!/bin/sh
# make-lab-certs.sh DIR: the lab's certificates, made fresh with certtool (gnutls-bin) for
# each test. ECDSA P-256 keys keep it well under a second.
#
#   DIR/ca.pem                    the lab's private CA (trust it with --cafile)
#   DIR/ca.key
#   DIR/server.pem, server.key    smtp.lab.test, valid now; SANs smtp.lab.test,
#                                 192.0.2.10, 2001:db8::10
#   DIR/expired.pem, expired.key  the same names, expired a day ago (valid for a day before)
#   DIR/wrong-name.pem, .key      mail.other.test only, valid now
#   DIR/server-chain.pem etc.     key + certificate + CA in one file, in the order
#                                 Postfix's smtpd_tls_chain_files wants
set -eu
dir=${1:?usage: make-lab-certs.sh DIR}
mkdir -p "$dir"
command -v certtool >/dev/null 2>&1 || { echo "make-lab-certs.sh: needs certtool (gnutls-bin)" >&2; exit 1; }

key() {
	certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile "$1" 2>/dev/null
}

# The CA.
key "$dir/ca.key"
cat >"$dir/ca.tmpl" <<'EOF'
organization = "sendfix lab"
cn = "sendfix lab CA"
ca
cert_signing_key
crl_signing_key
expiration_days = 30
EOF
certtool --generate-self-signed --load-privkey "$dir/ca.key" --template "$dir/ca.tmpl" \
    --outfile "$dir/ca.pem" 2>/dev/null

# server NAME CN VALIDITY-LINES SAN-LINES: a server certificate signed by the CA.
server() {
	name=$1
	key "$dir/$name.key"
	{
		echo 'organization = "sendfix lab"'
		echo "cn = \"$2\""
		printf '%s\n' "$3"
		printf '%s\n' "$4"
		echo "tls_www_server"
		echo "signing_key"
		echo "encryption_key"
	} >"$dir/$name.tmpl"
	certtool --generate-certificate --load-privkey "$dir/$name.key" \
	    --load-ca-certificate "$dir/ca.pem" --load-ca-privkey "$dir/ca.key" \
	    --template "$dir/$name.tmpl" --outfile "$dir/$name.pem" 2>/dev/null
	cat "$dir/$name.key" "$dir/$name.pem" "$dir/ca.pem" >"$dir/$name-chain.pem"
}

lab_sans='dns_name = "smtp.lab.test"
ip_address = "192.0.2.10"
ip_address = "2001:db8::10"'

# Start a minute in the past so that a clock a little behind still accepts it.
now=$(date -u +%s)
fmt() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
server server smtp.lab.test "activation_date = \"$(fmt $((now - 60)))\"
expiration_date = \"$(fmt $((now + 30 * 86400)))\"" "$lab_sans"
server expired smtp.lab.test "activation_date = \"$(fmt $((now - 2 * 86400)))\"
expiration_date = \"$(fmt $((now - 86400)))\"" "$lab_sans"
server wrong-name mail.other.test "activation_date = \"$(fmt $((now - 60)))\"
expiration_date = \"$(fmt $((now + 30 * 86400)))\"" 'dns_name = "mail.other.test"'

rm -f "$dir"/*.tmpl
chmod 644 "$dir"/*.pem
chmod 600 "$dir"/*.key "$dir"/*-chain.pem
