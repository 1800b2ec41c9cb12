#!/bin/sh
# --fix-client: an msmtp and a mutt account read from copies of their files (in the test's
# temporary directory) use port 25 without encryption; the lab's Postfix listens only on
# 587 with STARTTLS. The report shows the settings side by side; --fix-client writes the
# working ones into the file, keeping the old one as FILE.sendfix-bak (made once, never
# overwritten), every other line and comment, and the file's mode.
. "$TESTDIR/integration/lib.sh"
. "$TESTDIR/integration/postfix.sh"
command -v postfix >/dev/null 2>&1 || skip "Postfix is not installed (postfix sasl2-bin libsasl2-modules)"
lab_up
lab_dns
lab_reference
lab_postfix --ports 587

home="$LAB_TMP/home"
mkdir -p "$home/.mutt"
rc="$home/.msmtprc"
cat >"$rc" <<'RC'
# msmtp: the lab account is the old one (port 25, no encryption)
defaults
auth on

account lab
  host smtp.lab.test
  # the port the old server used
  port 25
  tls off
  from anna@lab.test
  user anna

account other
host smtp.other.example
port 465
tls on
RC
chmod 640 "$rc"
cp "$rc" "$LAB_TMP/msmtprc.orig"

r="$LAB_TMP/fix.json"
sendfix_batch "$r" --cafile "$LAB_CA" --home "$home" --from-client msmtp --account lab \
    --fix-client
json_is "$r" '.client_settings.known' true
json_is "$r" '[.client_settings.fields[] | select(.change) | .key] | join(" ")' \
    'smtp.port smtp.security'
json_is "$r" '.client_settings.lines | join("|")' \
    'host smtp.lab.test|port 587|tls on|tls_starttls on'
grep -q 'now in' "$r.stderr" || fail "--fix-client says nothing: $(cat "$r.stderr")"
cmp -s "$rc.sendfix-bak" "$LAB_TMP/msmtprc.orig" || fail "the backup is not the old file"
[ "$(stat -c %a "$rc")" = 640 ] || fail "the mode changed to $(stat -c %a "$rc")"
want=$(sed -e 's/^  port 25$/  port 587/' -e 's/^  tls off$/  tls on/' \
    -e 's/^account lab$/account lab\n  tls_starttls on/' "$LAB_TMP/msmtprc.orig")
[ "$(cat "$rc")" = "$want" ] || fail "the new file is not the old one with the lab
account's port and encryption changed:
$(diff "$LAB_TMP/msmtprc.orig" "$rc")"
ls "$home"/.msmtprc.sendfix-?????? >/dev/null 2>&1 && fail "a temporary file was left"
pass "msmtp: the working settings written into the lab account, backup kept"

# The fixed file works: nothing more to write, and the backup stays as it was.
r="$LAB_TMP/again.json"
sendfix_batch "$r" --cafile "$LAB_CA" --home "$home" --from-client msmtp --account lab \
    --fix-client
json_is "$r" '[.client_settings.fields[] | select(.change)] | length' 0
grep -q 'nothing to write' "$r.stderr" || fail "no word on the second run: $(cat "$r.stderr")"
cmp -s "$rc.sendfix-bak" "$LAB_TMP/msmtprc.orig" || fail "the backup changed"

# An old backup is never overwritten: the old file back, the backup still there.
cp "$LAB_TMP/msmtprc.orig" "$rc"
echo "an older backup" >"$rc.sendfix-bak"
r="$LAB_TMP/bak.json"
sendfix_batch "$r" --cafile "$LAB_CA" --home "$home" --from-client msmtp --account lab \
    --fix-client
grep -q 'exists already' "$r.stderr" || fail "no word about the old backup: $(cat "$r.stderr")"
[ "$(cat "$rc.sendfix-bak")" = "an older backup" ] || fail "the old backup was overwritten"
cmp -s "$rc" "$LAB_TMP/msmtprc.orig" || fail "the file changed without a backup"
pass "a second run writes nothing; an older backup is never overwritten"

# Without --fix-client nothing is written; the text report shows both sides.
rm -f "$rc.sendfix-bak"
t="$LAB_TMP/side.txt"
in_client "$SENDFIX" --batch --resolver 192.0.2.53 --reference-host ref.lab.test \
    --timeout "$LAB_TIMEOUT" --cafile "$LAB_CA" --report "$t" --home "$home" \
    --from-client msmtp --account lab 2>/dev/null
[ -e "$rc.sendfix-bak" ] && fail "a file was written without --fix-client"
grep -q '^  \* Port        25 *587$' "$t" &&
    grep -q '^  \* Security    none *STARTTLS$' "$t" &&
    grep -q '^    Server      smtp.lab.test *smtp.lab.test$' "$t" &&
    grep -q '^    tls_starttls on$' "$t" ||
	fail "the text report does not show the settings side by side: $(sed -n '/READ FROM/,/CHECKS/p' "$t")"
pass "the text report shows the settings side by side, and the msmtp lines"

# mutt: the smtp_url line (its user and comment kept), ssl_starttls changed in place,
# ssl_force_tls added after the URL.
printf 'set from = "anna@lab.test"\nsource ~/.mutt/smtp.rc\n' >"$home/.muttrc"
m="$home/.mutt/smtp.rc"
printf '# sending\nset smtp_url = "smtp://anna@smtp.lab.test:25/" # old\nunset ssl_starttls\n' >"$m"
cp "$m" "$LAB_TMP/smtp.rc.orig"
r="$LAB_TMP/mutt.json"
sendfix_batch "$r" --cafile "$LAB_CA" --home "$home" --from-client mutt --fix-client
cmp -s "$m.sendfix-bak" "$LAB_TMP/smtp.rc.orig" || fail "mutt: the backup is not the old file"
want='# sending
set smtp_url = "smtp://anna@smtp.lab.test:587/" # old
set ssl_force_tls = yes
set ssl_starttls = yes'
[ "$(cat "$m")" = "$want" ] || fail "mutt: the new file is
$(cat "$m")"
pass "mutt: smtp_url and the TLS variables written, backup kept"

# The wizard (--plain) offers the same after the result, and writes only after a yes.
# Every question is answered beforehand (--answer, or the account), so Enter keeps each;
# a first run with no to the offer counts the prompts before it.
cp "$LAB_TMP/msmtprc.orig" "$rc"
rm -f "$rc.sendfix-bak"
# wizard OUT INPUT: sendfix --plain in the client namespace, its screen in OUT.
wizard() {
	# shellcheck disable=SC2059
	printf "$2" >"$1.in"
	in_client env TERM=dumb "$SENDFIX" --plain --resolver 192.0.2.53 \
	    --reference-host ref.lab.test --timeout "$LAB_TIMEOUT" --cafile "$LAB_CA" \
	    --home "$home" --answer client.error=cannot-connect --answer client.changed=nothing \
	    --answer client.network=home <"$1.in" >"$1" 2>&1
}
o="$LAB_TMP/offer1.out"
# The lab account is the first one listed; then Enter on every screen until the input
# ends (at the offer, which the end of input answers no).
wizard "$o" "1\n$(printf '%060d' 0 | sed 's/0/\\n/g')"
grep -q 'Write the settings that work into' "$o" || fail "no offer after the result: $(cat "$o")"
[ -e "$rc.sendfix-bak" ] && fail "written without a yes"
cmp -s "$rc" "$LAB_TMP/msmtprc.orig" || fail "the file changed without a yes"
n=$(sed -n '1,/Write the settings that work into/p' "$o" |
    grep -c -e '^Your choice' -e '^Your answer' -e 'Press Enter to go on' -e '^Answer y')
o="$LAB_TMP/offer2.out"
wizard "$o" "1\n$(printf "%0$((n - 1))d" 0 | sed 's/0/\\n/g')y\n\n"
grep -q 'The settings that work are now in' "$o" || fail "the yes did not write: $(tail -20 "$o")"
cmp -s "$rc.sendfix-bak" "$LAB_TMP/msmtprc.orig" || fail "the wizard's backup is not the old file"
grep -q '^  port 587$' "$rc" || fail "the wizard did not write the port: $(cat "$rc")"
pass "the wizard offers to write the settings, and writes them only after a yes"
grep -q "^=== Your mail program's settings ===" "$o" &&
    grep -q '^  \* Port        25 *587$' "$o" ||
	fail "the plain result does not show the settings side by side: $(cat "$o")"
pass "the plain result shows the settings side by side"
