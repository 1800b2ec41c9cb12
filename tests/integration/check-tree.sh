#!/bin/sh
# --check-tree: the default tree is clean; broken trees give FILE:LINE: messages and exit 2.
. "$TESTDIR/integration/lib.sh"
lab_empty

isolated "$SENDFIX" --check-tree "$TOPSRCDIR/wizard/cannot-send.tree" >/dev/null ||
	fail "the default tree does not pass --check-tree"
pass "the default tree is clean"

n=0
for t in "$TESTDIR"/data/bad-*.tree; do
	[ -e "$t" ] || continue
	err=$(isolated "$SENDFIX" --check-tree "$t" 2>&1 >/dev/null)
	st=$?
	[ "$st" = 2 ] || fail "$t: exit $st, expected 2"
	base=$(basename "$t")
	printf '%s\n' "$err" | grep -q "^sendfix: .*$base:[0-9][0-9]*: " ||
		fail "$t: no FILE:LINE: message in: $err"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no broken trees found in tests/data"
pass "$n broken trees refused with FILE:LINE: messages"

# Running with a broken tree is a usage error too.
t=$(ls "$TESTDIR"/data/bad-*.tree | head -n 1)
isolated "$SENDFIX" --batch --tree "$t" >/dev/null 2>&1
[ $? = 2 ] || fail "--tree with a broken tree does not exit 2"
isolated "$SENDFIX" --check-tree /dev/zero >/dev/null 2>&1
[ $? = 2 ] || fail "--check-tree /dev/zero does not exit 2"
pass "--tree with a broken tree and /dev/zero exit 2"
