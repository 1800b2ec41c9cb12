#!/bin/sh
# make-certs.sh DIR: the certificates check_tls serves, made fresh with certtool (gnutls-bin).
# ECDSA P-256 keys keep it well under a second. Every NAME.pem has its key in NAME.key.
#
#   ca.pem            the private CA the tests trust (cafile)
#   good.pem          smtp.lab.test + IP 127.0.0.1, valid now, from ca
#   expired.pem       smtp.lab.test, expired a day ago
#   notyet.pem        smtp.lab.test, valid from in ten days
#   wrong.pem         mail.other.test only
#   self.pem          smtp.lab.test, self-signed
#   inter.pem         an intermediate CA under ca
#   inter-leaf.pem    smtp.lab.test from inter, served alone (incomplete chain)
#   inter-chain.pem   the same leaf followed by inter (complete chain)
#   eset.pem          a root named "ESET SSL Filter CA"
#   eset-leaf.pem     smtp.lab.test from eset; eset-chain.pem: the leaf followed by eset
#   ca-eset.pem       ca and eset together, for a store where the product's root is installed
#   many.pem          smtp.lab.test and 99 other DNS names, from ca
#   oldinter.pem      an intermediate CA under ca that expired a day ago
#   oldinter-chain.pem  smtp.lab.test (valid now) from oldinter, followed by oldinter
#   long-chain.pem    smtp.lab.test under 50 intermediates (chain1 under ca ... chain50),
#                     served with all of them
set -eu
dir=${1:?usage: make-certs.sh DIR}
mkdir -p "$dir"
if ! command -v certtool >/dev/null 2>&1; then
	echo "make-certs.sh: needs certtool (gnutls-bin)" >&2
	exit 1
fi

now=$(date -u +%s)
fmt() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
# Start a minute in the past so that a clock a little behind still accepts it.
valid="activation_date = \"$(fmt $((now - 60)))\"
expiration_date = \"$(fmt $((now + 30 * 86400)))\""

key() {
	certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile "$dir/$1.key" \
	    2>/dev/null
}

# ca NAME CN [SIGNER]: a CA certificate, self-signed or from SIGNER.
ca() {
	key "$1"
	printf 'cn = "%s"\norganization = "sendfix test"\nca\ncert_signing_key\n%s\n' "$2" \
	    "$valid" >"$dir/$1.tmpl"
	if [ $# -ge 3 ]; then
		certtool --generate-certificate --load-privkey "$dir/$1.key" \
		    --load-ca-certificate "$dir/$3.pem" --load-ca-privkey "$dir/$3.key" \
		    --template "$dir/$1.tmpl" --outfile "$dir/$1.pem" 2>/dev/null
	else
		certtool --generate-self-signed --load-privkey "$dir/$1.key" \
		    --template "$dir/$1.tmpl" --outfile "$dir/$1.pem" 2>/dev/null
	fi
}

# leaf NAME SIGNER CN VALIDITY SANS: a server certificate; SIGNER "self" signs itself.
leaf() {
	key "$1"
	printf 'cn = "%s"\norganization = "sendfix test"\n%s\n%s\ntls_www_server\nsigning_key\n' \
	    "$3" "$4" "$5" >"$dir/$1.tmpl"
	if [ "$2" = self ]; then
		certtool --generate-self-signed --load-privkey "$dir/$1.key" \
		    --template "$dir/$1.tmpl" --outfile "$dir/$1.pem" 2>/dev/null
	else
		certtool --generate-certificate --load-privkey "$dir/$1.key" \
		    --load-ca-certificate "$dir/$2.pem" --load-ca-privkey "$dir/$2.key" \
		    --template "$dir/$1.tmpl" --outfile "$dir/$1.pem" 2>/dev/null
	fi
}

lab='dns_name = "smtp.lab.test"'
ca ca "sendfix test CA"
ca inter "sendfix test intermediate" ca
ca eset "ESET SSL Filter CA"
leaf good ca smtp.lab.test "$valid" "$lab
ip_address = \"127.0.0.1\""
leaf expired ca smtp.lab.test "activation_date = \"$(fmt $((now - 3 * 86400)))\"
expiration_date = \"$(fmt $((now - 86400)))\"" "$lab"
leaf notyet ca smtp.lab.test "activation_date = \"$(fmt $((now + 10 * 86400)))\"
expiration_date = \"$(fmt $((now + 40 * 86400)))\"" "$lab"
leaf wrong ca mail.other.test "$valid" 'dns_name = "mail.other.test"'
leaf self self smtp.lab.test "$valid" "$lab"
# Row 9: the SAN of an internationalised host holds its A-label (smtp.b\u00fccher.lab.test).
leaf idn ca smtp.xn--bcher-kva.lab.test "$valid" 'dns_name = "smtp.xn--bcher-kva.lab.test"'
leaf inter-leaf inter smtp.lab.test "$valid" "$lab"
leaf eset-leaf eset smtp.lab.test "$valid" "$lab"
many="$lab"
i=1
while [ $i -lt 100 ]; do
	many="$many
dns_name = \"n$i.other.test\""
	i=$((i + 1))
done
leaf many ca smtp.lab.test "$valid" "$many"
# Hostile-cases row 8: the leaf is fine, the intermediate that signed it has expired.
now_valid=$valid
valid="activation_date = \"$(fmt $((now - 3 * 86400)))\"
expiration_date = \"$(fmt $((now - 86400)))\""
ca oldinter "sendfix expired intermediate" ca
valid=$now_valid
leaf oldinter-leaf oldinter smtp.lab.test "$valid" "$lab"
# Row 44: a 50-certificate chain.
ca chain1 "sendfix chain 1" ca
i=2
while [ $i -le 50 ]; do
	ca "chain$i" "sendfix chain $i" "chain$((i - 1))"
	i=$((i + 1))
done
leaf long-leaf chain50 smtp.lab.test "$valid" "$lab"

cat "$dir/inter-leaf.pem" "$dir/inter.pem" >"$dir/inter-chain.pem"
cp "$dir/inter-leaf.key" "$dir/inter-chain.key"
cat "$dir/eset-leaf.pem" "$dir/eset.pem" >"$dir/eset-chain.pem"
cp "$dir/eset-leaf.key" "$dir/eset-chain.key"
cat "$dir/ca.pem" "$dir/eset.pem" >"$dir/ca-eset.pem"
cat "$dir/oldinter-leaf.pem" "$dir/oldinter.pem" >"$dir/oldinter-chain.pem"
cp "$dir/oldinter-leaf.key" "$dir/oldinter-chain.key"
cp "$dir/long-leaf.pem" "$dir/long-chain.pem"
i=50
while [ $i -ge 1 ]; do
	cat "$dir/chain$i.pem" >>"$dir/long-chain.pem"
	i=$((i - 1))
done
cp "$dir/long-leaf.key" "$dir/long-chain.key"
rm -f "$dir"/*.tmpl
