#!/bin/sh
# --report FILE: created 0600 whatever the umask, never through a symlink, JSON and text.
. "$TESTDIR/integration/lib.sh"
lab_up
lab_dns
lab_reference
lab_server 587

r="$LAB_TMP/report.json"
(umask 000; sendfix_batch "$r" --answer smtp.host=smtp.lab.test --answer smtp.port=587)
mode=$(stat -c %a "$r")
[ "$mode" = 600 ] || fail "the report is mode $mode, expected 600"
json_is "$r" '.sendfix | test("^[0-9]")' true
json_is "$r" '.started | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")' true
json_is "$r" '.elapsed_ms | type' number
json_is "$r" '.path[0]' welcome
json_is "$r" '[.probes[].name] | join(" ")' 'explain provider mail-program resolve port-survey smtp smtp-matrix'
pass "JSON report created 0600 with the interface's fields"

printf 'secret-canary-Pw1\n' >"$LAB_TMP/pw"
chmod 600 "$LAB_TMP/pw"
t="$LAB_TMP/report.txt"
in_client "$SENDFIX" --batch --resolver 192.0.2.53 --reference-host ref.lab.test \
    --timeout "$LAB_TIMEOUT" --report "$t" --answer smtp.host=smtp.lab.test \
    --answer smtp.port=587 --answer smtp.password-file="$LAB_TMP/pw" 2>"$LAB_TMP/err"
grep -q 'secret-canary-Pw1' "$t" "$LAB_TMP/err" && fail "the password reached the report"
grep -qi 'port 587' "$t" || fail "the text report does not show the result"
pass "text report without the password"

ln -s "$LAB_TMP/elsewhere" "$LAB_TMP/link.json"
in_client "$SENDFIX" --batch --resolver 192.0.2.53 --reference-host ref.lab.test \
    --timeout "$LAB_TIMEOUT" --report "$LAB_TMP/link.json" \
    --answer smtp.host=smtp.lab.test --answer smtp.port=587 2>"$LAB_TMP/err"
st=$?
[ "$st" = 2 ] || fail "writing through a symlink exited $st, expected 2"
[ -e "$LAB_TMP/elsewhere" ] && fail "the report was written through a symlink"
grep -q 'link' "$LAB_TMP/err" || fail "no message about the symlink: $(cat "$LAB_TMP/err")"
pass "a symlinked report path is refused"
