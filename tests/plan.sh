#!/bin/sh
# plan.sh -- `custrelease plan`: the decisions of a run, printed, nothing
# written; exit 1 when any request would be rejected; --json for machines;
# --out takes committed runs into account without a lock.  Also the usage
# errors shared with run (docs/format.md 5): a short key, a bad claim URL, from,
# SOURCE_DATE_EPOCH, --now, a broken template.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

cr plan --export samples/export --manifest samples/manifest.csv
expect_rc 1 "plan: some would be rejected"
grep -q "^33 requests: 14 would be released, 1 skipped, 18 rejected$" "$TMP/out"
ok $? "plan: counts"
grep -Eq "^22 +nw-0005 +c-2008 +rejected +E_CONTACT_INVALID;E_UNKNOWN_ACCOUNT;E_RESELLER_CONTACT: " "$TMP/out"
ok $? "plan: a row with every code of its phase"

cr plan --json --export samples/export.xml --manifest samples/manifest.csv
expect_rc 1 "plan --json"
"$PYTHON3" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 33, len(d)
assert sum(1 for r in d if r["outcome"] == "released") == 14
r = [r for r in d if r["line"] == 16][0]
assert r["codes"] == ["E_UNKNOWN_RESELLER", "E_UNKNOWN_CUSTOMER"], r
' "$TMP/out"
ok $? "plan --json: valid JSON with the decisions"

# A manifest where everything is released or skipped: exit 0.
printf 'request_id,reseller_id,customer_id\nr-1,org-acme,c-1002\nr-2,org-acme,c-1010\n' > "$TMP/ok.csv"
cr plan --export samples/export --manifest "$TMP/ok.csv"
expect_rc 0 "plan: nothing rejected"

# With --out, committed runs count; plan itself writes nothing.
cr run --export samples/export --manifest "$TMP/ok.csv" --out "$TMP/runs" \
    --now 2026-12-01T02:00:00Z --quiet
expect_rc 0 "run before plan --out"
before=$(find "$TMP/runs" | wc -l)
cr plan --export samples/export --manifest "$TMP/ok.csv" --out "$TMP/runs"
expect_rc 0 "plan --out"
grep -Eq "^2 +r-1 +c-1002 +skipped +S_ALREADY_APPLIED" "$TMP/out"
ok $? "plan --out: applied request skipped"
[ "$(find "$TMP/runs" | wc -l)" -eq "$before" ]; ok $? "plan wrote nothing"
cr plan --export samples/export --manifest "$TMP/ok.csv" --out "$TMP/none"
expect_rc 0 "plan --out with a missing OUT"
[ ! -e "$TMP/none" ]; ok $? "plan does not create OUT"

# Usage errors come before anything is decided.
printf 'short key\n' > "$TMP/short.key"
cr plan --export samples/export --manifest samples/manifest.csv --token-key "$TMP/short.key"
expect_rc 2 "key under 32 bytes"
cr run --export samples/export --manifest samples/manifest.csv --out "$TMP/o2" --claim-url 'ftp://x'
expect_rc 2 "bad --claim-url"
[ ! -e "$TMP/o2" ]; ok $? "usage error: nothing written"
cr run --export samples/export --manifest samples/manifest.csv --out "$TMP/o2" --from 'a@b.example
Bcc: x@y.example'
expect_rc 2 "bad --from"
SOURCE_DATE_EPOCH=yesterday "$CUSTRELEASE" plan --export samples/export --manifest samples/manifest.csv > /dev/null 2>&1
[ $? -eq 2 ]; ok $? "bad SOURCE_DATE_EPOCH"
cr plan --export samples/export --manifest samples/manifest.csv --now 2026-12-01
expect_rc 2 "bad --now"
cr plan --export samples/export --manifest samples/manifest.csv --claim-ttl 0
expect_rc 2 "bad --claim-ttl"
mkdir -p "$TMP/tpl"
cp templates/* "$TMP/tpl/"
printf 'Hello {{nosuchplaceholder}}\n' > "$TMP/tpl/fr.txt"
cr plan --export samples/export --manifest samples/manifest.csv --templates "$TMP/tpl"
expect_rc 2 "broken template"
expect_err "fr.txt:1: " "broken template: file and line"
cr run --export samples/export --manifest samples/manifest.csv
expect_rc 2 "run without --out"

# A key that group or others may write: a warning (whoever replaces it
# can compute the claim tokens); the run goes on.
cp samples/token.key "$TMP/open.key"
chmod 662 "$TMP/open.key"
cr plan --export samples/export --manifest samples/manifest.csv --token-key "$TMP/open.key"
expect_rc 1 "a key others may write: the plan goes on"
expect_err "open.key:0: warning: token key is writable by group or others" \
    "a key others may write: warned"
chmod 600 "$TMP/open.key"
cr plan --export samples/export --manifest samples/manifest.csv --token-key "$TMP/open.key"
! grep -q "writable" "$TMP/err"; ok $? "a 0600 key: no warning"

# A FIFO nobody writes to, as a template or as the key, must not hang a
# nightly run; a pipe that does deliver a key still works.
if mkfifo "$TMP/fifo.key" 2>/dev/null; then
	rm -rf "$TMP/tplf"
	mkdir -p "$TMP/tplf"
	cp templates/* "$TMP/tplf/"
	mkfifo "$TMP/tplf/de.txt"
	rc=0
	timeout 30 "$CUSTRELEASE" plan --export samples/export --manifest samples/manifest.csv \
	    --templates "$TMP/tplf" >"$TMP/out" 2>"$TMP/err" || rc=$?
	expect_rc 2 "a FIFO as a template: refused, no hang"
	expect_err "de.txt:0: template: not a regular file" "a FIFO as a template: says so"
	rc=0
	timeout 30 "$CUSTRELEASE" plan --export samples/export --manifest samples/manifest.csv \
	    --token-key "$TMP/fifo.key" >"$TMP/out" 2>"$TMP/err" || rc=$?
	expect_rc 2 "a FIFO nobody writes as the key: refused, no hang"
	rc=0
	cat samples/token.key | timeout 30 "$CUSTRELEASE" plan --export samples/export \
	    --manifest samples/manifest.csv --token-key /dev/stdin \
	    >"$TMP/out" 2>"$TMP/err" || rc=$?
	expect_rc 1 "the key through a pipe"
	! grep -q "no --token-key\|token key" "$TMP/err"; ok $? "the key through a pipe: read"
else
	skip "a FIFO as a template: refused, no hang" "no mkfifo"
	skip "a FIFO as a template: says so" "no mkfifo"
	skip "a FIFO nobody writes as the key: refused, no hang" "no mkfifo"
	skip "the key through a pipe" "no mkfifo"
	skip "the key through a pipe: read" "no mkfifo"
fi

done_testing
