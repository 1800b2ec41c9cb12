#!/bin/sh
# The command line contract (interface.md): usage errors exit 2 and say what is wrong,
# answer values are checked against the tree, secrets never come from argv.
. "$TESTDIR/integration/lib.sh"
lab_empty

# expect_usage NEEDLE ARGS...: exit status 2 and NEEDLE on stderr.
expect_usage() {
	needle=$1
	shift
	err=$(isolated "$SENDFIX" "$@" 2>&1 >/dev/null)
	st=$?
	[ "$st" = 2 ] || fail "sendfix $* exited $st, expected 2"
	printf '%s\n' "$err" | grep -qF -- "$needle" ||
		fail "sendfix $*: \"$needle\" not in: $err"
	pass "usage error: $*"
}

expect_usage 'smtp.port' --batch --answer smtp.port=99999
expect_usage 'starttls, tls, none' --batch --answer smtp.security=ssl
expect_usage 'unknown answer key "smtp.hots"' --batch --answer smtp.hots=x
expect_usage 'KEY=VALUE' --batch --answer smtp.host
expect_usage 'smtp.password-file' --batch --answer smtp.password=hunter2
expect_usage '--format must be text or json' --batch --format xml
expect_usage '--timeout' --timeout 0
expect_usage 'unknown option --frobnicate' --frobnicate
expect_usage 'cannot be combined' --batch --plain
expect_usage 'is not an IP address' --batch --resolver 'not an address'
expect_usage 'email' --batch --answer 'email=no at sign'
expect_usage 'no-such-tree' --batch --tree "$LAB_TMP/no-such-tree"

# A password file must not be a symlink.
printf 'secret\n' >"$LAB_TMP/pw"
chmod 600 "$LAB_TMP/pw"
ln -s "$LAB_TMP/pw" "$LAB_TMP/pw-link"
expect_usage 'symbolic link' --batch --answer smtp.password-file="$LAB_TMP/pw-link"

out=$(isolated "$SENDFIX" --help-answers) || fail "--help-answers failed"
for k in email smtp.host smtp.port smtp.security smtp.user smtp.password-file; do
	printf '%s\n' "$out" | grep -q "^  $k[=-]" || fail "--help-answers does not list $k"
done
printf '%s\n' "$out" | grep -q 'starttls' || fail "--help-answers does not list the values"
pass "--help-answers lists every interface key"

isolated "$SENDFIX" --version | grep -q '^sendfix [0-9]' || fail "--version"
isolated "$SENDFIX" --help | grep -q -- '--batch' || fail "--help"
isolated "$SENDFIX" --help-probes | grep -q 'port-survey' || fail "--help-probes"
pass "--version, --help, --help-probes"
