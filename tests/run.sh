#!/bin/sh
# run.sh -- `custrelease run` end to end on the samples: the decisions of
# samples/README.md, golden records (tests/data/run/), the CSV and XML forms
# agreeing byte for byte, reruns (no-op, S_ALREADY_APPLIED,
# S_ALREADY_RELEASED, E_DUPLICATE_REQUEST across runs), modes, and no
# claim token anywhere but in the emails.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

NOW=2026-12-01T02:00:00Z
KEY=$SAMPLE_KEY
OUT=$TMP/runs
RUNID=20261201T020000Z-1f737a72

cr run --export samples/export --manifest samples/manifest.csv --out "$OUT" \
    --now $NOW --token-key "$KEY"
expect_rc 1 "samples: run committed, some requests rejected"
grep -q "^run $RUNID: 33 requests: 14 released, 1 skipped, 18 rejected" "$TMP/out"
ok $? "samples: summary line"
RUN=$OUT/$RUNID
[ -d "$RUN" ]; ok $? "run directory named by the run id"

# Decisions as samples/README.md's table says (line, outcome, codes).
awk -F'|' '/^\| [0-9]+ \| / && n < 1 { gsub(/ /, "", $2); gsub(/ /, "", $8);
    gsub(/ /, "", $9); print $2 "," $8 "," $9 } /^## / && seen { n++ }
    /^\| line \| request_id/ { seen = 1 }' samples/README.md | sort > "$TMP/want"
"$PYTHON3" -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
for r in rows:
    print("%s,%s,%s" % (r["line"], r["outcome"], r["codes"]))
' "$RUN/decisions.csv" | sort > "$TMP/got"
[ "$(wc -l < "$TMP/want")" -eq 33 ]; ok $? "README table has 33 requests"
expect_same "$TMP/want" "$TMP/got" "decisions match samples/README.md"

# Golden records.
for f in decisions.csv ownership.csv ownership.jsonl customers.csv shares.csv \
    contact_updates.csv inputs.sha256; do
	expect_same "tests/data/run/samples/$f" "$RUN/$f" "golden $f"
done

# Golden claim emails in French, English and Spanish; every email parses
# cleanly with Python's email package (tests/email-check.py).
for c in c-1001 c-3001 c-2005; do
	expect_same "tests/data/run/samples/emails/$c.eml" "$RUN/emails/$c.eml" "golden email $c"
done
"$PYTHON3" tests/email-check.py "$RUN"/emails/*.eml > "$TMP/emailcheck" 2>&1
ok $? "every claim email passes email-check.py"
[ "$(ls "$RUN/emails" | wc -l)" -eq 14 ]; ok $? "one email per released customer"

# The audit bundle verifies.
"$CUSTRELEASE" verify "$RUN/audit-$RUNID.tar.gz" > "$TMP/verify" 2>&1
ok $? "custrelease verify accepts the run's bundle"

# Modes: 0700 directories, 0600 files.
bad=$(find "$RUN" \( -type d ! -perm 700 \) -o \( -type f ! -perm 600 \) | wc -l)
[ "$bad" -eq 0 ]; ok $? "run files 0600, directories 0700"

# CRLF and formula injection in CSV outputs.
grep -q "'@lena.vogel" "$RUN/decisions.csv"; ok $? "formula cell neutralized"
[ "$(grep -c "$(printf '\r')\$" "$RUN/ownership.csv")" -eq "$(wc -l < "$RUN/ownership.csv")" ]
ok $? "CSV lines end in CRLF"

# The XML form gives byte-identical records and emails.
cr run --export samples/export.xml --manifest samples/manifest.csv --out "$TMP/outx" \
    --now $NOW --token-key "$KEY"
expect_rc 1 "XML form: run committed"
for f in decisions.csv ownership.csv ownership.jsonl customers.csv shares.csv \
    contact_updates.csv; do
	expect_same "$RUN/$f" "$TMP/outx/$RUNID/$f" "XML form: same $f"
done
if diff -r "$RUN/emails" "$TMP/outx/$RUNID/emails" > /dev/null; then
	ok 0 "XML form: same emails"
else
	ok 1 "XML form: same emails"
fi

# A rerun with the same inputs is a no-op with the original status.
cr run --export samples/export --manifest samples/manifest.csv --out "$OUT" \
    --now $NOW --token-key "$KEY"
expect_rc 1 "same inputs again: original status"
grep -q "already committed with the same inputs" "$TMP/out"; ok $? "no-op said"
[ "$(ls "$OUT" | wc -l)" -eq 1 ]; ok $? "no second run"

# A committed run exited 0 or 1; a summary.json that says another exit
# status (edited by hand) is not taken as the rerun's status.
cp -R "$OUT" "$TMP/odd"
chmod u+w "$TMP/odd/$RUNID/summary.json"
sed -i 's/"exit_status": *1/"exit_status": 65/' "$TMP/odd/$RUNID/summary.json"
grep -q '"exit_status": *65' "$TMP/odd/$RUNID/summary.json"
ok $? "summary.json edited to exit_status 65"
cr run --export samples/export --manifest samples/manifest.csv \
    --out "$TMP/odd" --now $NOW --token-key "$KEY"
expect_rc 65 "a committed exit_status of 65: an input error, not exit 65 as a no-op"
grep -q "summary.json cannot be read" "$TMP/err"
ok $? "the edited summary.json is named"

# A summary.json over 8 KiB (the export's member names under a long
# archive prefix) is read back whole: the same-id rerun is still a no-op.
lp=$TMP/lp
for i in 1 2 3 4 5 6 7 8; do lp=$lp/$(printf '%0200d' 0)$i; done
mkdir -p "$lp" && cp samples/export/*.csv "$lp/"
(cd "$TMP/lp" && tar -cf "$TMP/lp.tar" 0*)
cr run --export "$TMP/lp.tar" --manifest samples/manifest.csv \
    --out "$TMP/lpout" --now $NOW --token-key "$KEY" --quiet
expect_rc 1 "long archive prefix: run committed"
[ "$(wc -c < "$TMP/lpout/$RUNID/summary.json")" -gt 8192 ]
ok $? "long archive prefix: summary.json is over 8 KiB"
cr run --export "$TMP/lp.tar" --manifest samples/manifest.csv \
    --out "$TMP/lpout" --now $NOW --token-key "$KEY"
expect_rc 1 "long archive prefix: the rerun exits with the original status"
grep -q "already committed with the same inputs" "$TMP/out"
ok $? "long archive prefix: the rerun is a no-op"

# Same run id, other export: input error.
cp -r samples/export "$TMP/other"
sed -i 's/Zoé/Zoë/' "$TMP/other/customers.csv"
cr run --export "$TMP/other" --manifest samples/manifest.csv --out "$OUT" \
    --now $NOW --token-key "$KEY"
expect_rc 65 "same run id, other inputs"
expect_err "already committed with other inputs" "other inputs: message"

# A later run of the same manifest: applied requests are skipped.
cr run --export samples/export --manifest samples/manifest.csv --out "$OUT" \
    --now 2026-12-02T02:00:00Z --token-key "$KEY"
expect_rc 1 "rerun on a later day"
grep -q ": 33 requests: 0 released, 16 skipped, 17 rejected" "$TMP/out"
ok $? "rerun: 0 released, 16 skipped, 17 rejected"
RUN2=$(ls -d "$OUT"/20261202T* | head -1)
[ "$(grep -c ',skipped,S_ALREADY_APPLIED,' "$RUN2/decisions.csv")" -eq 14 ]
ok $? "rerun: 14 S_ALREADY_APPLIED"
[ "$(ls "$RUN2/emails" | wc -l)" -eq 0 ]; ok $? "rerun: no second claim email"

cr run --export samples/export --manifest samples/manifest-rerun.csv --out "$OUT" \
    --now 2026-12-03T02:00:00Z --token-key "$KEY"
expect_rc 1 "manifest-rerun.csv"
RUN3=$(ls -d "$OUT"/20261203T* | head -1)
grep -q '^rq-2026-0001,2,c-3007,org-thames,.*,rejected,E_DUPLICATE_REQUEST,' "$RUN3/decisions.csv"
ok $? "request_id applied for another customer: E_DUPLICATE_REQUEST"
grep -q '^rq-2026-0101,3,c-1002,.*,skipped,S_ALREADY_RELEASED,' "$RUN3/decisions.csv"
ok $? "customer released by a committed run: S_ALREADY_RELEASED"
grep -q '^rq-2026-0102,4,c-3007,.*,released,,' "$RUN3/decisions.csv"
ok $? "fresh request released"

# Claim tokens: in the emails only, never in the other outputs or logs.
n=$("$PYTHON3" tests/token-leak.py "$RUN" "$TMP/err" 2>"$TMP/leak")
[ "$n" = 14 ]; ok $? "one token per email, none elsewhere (records, bundle, stderr) $(cat "$TMP/leak")"

# Same key, same request: the same token on a rerun in another OUT.
cr run --export samples/export --manifest samples/manifest.csv --out "$TMP/out7" \
    --now $NOW --token-key "$KEY" --quiet
expect_same "$RUN/customers.csv" "$TMP/out7/$RUNID/customers.csv" "same key: same tokens"
cmp -s "$RUN/audit-$RUNID.tar.gz" "$TMP/out7/$RUNID/audit-$RUNID.tar.gz"
ok $? "same inputs: byte-identical audit bundle"

# Without a key, tokens are random, and a warning says so.
cr run --export samples/export --manifest samples/manifest.csv --out "$TMP/out8" \
    --now $NOW --quiet
expect_rc 1 "run without --token-key"
expect_err "warning: no --token-key" "random tokens: warning"
cmp -s "$RUN/customers.csv" "$TMP/out8/$RUNID/customers.csv"
[ $? -ne 0 ]; ok $? "random tokens differ from keyed ones"

# --bundle-format zip: the same records, a zip bag that verifies.
cr run --export samples/export.xml --manifest samples/manifest.xml --out "$TMP/outz" \
    --now $NOW --token-key "$KEY" --bundle-format zip --quiet
expect_rc 1 "XML manifest, zip bundle"
ZIPRUN=$(ls -d "$TMP"/outz/2* | head -1)
[ -f "$ZIPRUN/audit-${ZIPRUN##*/}.zip" ]; ok $? "zip bundle written"
"$CUSTRELEASE" verify "$ZIPRUN/audit-${ZIPRUN##*/}.zip" > /dev/null 2>&1
ok $? "zip bundle verifies"
# same rows but for the run id (the manifest's digest is another)
cut -d, -f2- "$RUN/ownership.csv" > "$TMP/own.csv"
cut -d, -f2- "$ZIPRUN/ownership.csv" > "$TMP/ownz.csv"
expect_same "$TMP/own.csv" "$TMP/ownz.csv" "XML manifest: same ownership rows"

# --bundle-format tar.zst: the same bag, compressed with zstd; it verifies,
# lists the same files as the tar.gz, and two writes are byte-identical.
for z in outzst outzst2; do
	cr run --export samples/export --manifest samples/manifest.csv \
	    --out "$TMP/$z" --now $NOW --token-key "$KEY" --bundle-format tar.zst \
	    --quiet
	expect_rc 1 "tar.zst bundle ($z)"
done
ZST="$TMP/outzst/$RUNID/audit-$RUNID.tar.zst"
[ -f "$ZST" ]; ok $? "tar.zst bundle written"
"$CUSTRELEASE" verify "$ZST" > /dev/null 2>&1
ok $? "tar.zst bundle verifies"
cmp -s "$ZST" "$TMP/outzst2/$RUNID/audit-$RUNID.tar.zst"
ok $? "tar.zst: same inputs, byte-identical bundle"
if command -v zstd > /dev/null; then
	# the same files (summary.json names the format, so not the same bytes)
	zstd -dc < "$ZST" 2> /dev/null | tar -tf - > "$TMP/zst.list" &&
	    gzip -dc < "$RUN/audit-$RUNID.tar.gz" | tar -tf - > "$TMP/gz.list" &&
	    [ -s "$TMP/zst.list" ] && cmp -s "$TMP/zst.list" "$TMP/gz.list"
	ok $? "tar.zst and tar.gz bags list the same files"
else
	skip "tar.zst content" "no zstd command"
fi
cr run --export samples/export --manifest samples/manifest.csv --out "$TMP/outbad" \
    --now $NOW --token-key "$KEY" --bundle-format tar.bz2 --quiet
expect_rc 2 "--bundle-format tar.bz2 refused"
grep -q 'bundle-format "tar.bz2": expected tar.gz, tar.zst or zip' "$TMP/err"
ok $? "--bundle-format tar.bz2: the message names the known formats"

# A leftover of a killed run is removed; it never looks like a run.
mkdir -p "$TMP/out4/.tmp-20261201T020000Z-1f737a72-999999"
touch "$TMP/out4/.tmp-20261201T020000Z-1f737a72-999999/decisions.csv"
cr run --export samples/export --manifest samples/manifest.csv --out "$TMP/out4" \
    --now $NOW --token-key "$KEY" --quiet
expect_rc 1 "run after a killed run"
[ "$(out_ls "$TMP/out4")" = "$RUNID" ]; ok $? "stale temporary entry removed"

# The lock: a second run on the same OUT exits 75.
if command -v flock > /dev/null; then
	# flock holds OUT's lock until its child reads a line from a fifo;
	# the child says so first by creating $TMP/held.
	mkdir -p "$TMP/out5"
	mkfifo "$TMP/release"
	flock "$TMP/out5" sh -c ': > "$1"; read x < "$2"' sh \
	    "$TMP/held" "$TMP/release" > /dev/null 2>&1 &
	w=0
	while [ ! -e "$TMP/held" ] && [ $w -lt 600 ]; do
		sleep 0.1
		w=$((w + 1))
	done
	[ -e "$TMP/held" ]; ok $? "flock(1) holds OUT's lock"
	cr run --export samples/export --manifest samples/manifest.csv --out "$TMP/out5" \
	    --now $NOW --token-key "$KEY"
	expect_rc 75 "OUT locked by another run"
	[ -z "$(ls -A "$TMP/out5")" ]; ok $? "locked: nothing written"
	if [ -e "$TMP/held" ]; then
		echo > "$TMP/release"
	else
		kill $! 2>/dev/null
	fi
	wait
else
	skip "lock" "no flock(1)"
fi

# Input errors: exit 65 and OUT untouched.
cr run --export tests/data/broken/xxe.export.xml --manifest samples/manifest.csv \
    --out "$TMP/out6" --now $NOW
expect_rc 65 "broken export"
[ ! -e "$TMP/out6" ]; ok $? "broken export: OUT not even created"
cr run --export samples/export --manifest tests/data/broken/unterminated-quote.customers.csv \
    --out "$TMP/out6" --now $NOW
expect_rc 65 "broken manifest"
cr run --strict --export samples/export --manifest samples/manifest.csv \
    --out "$TMP/out6" --now $NOW
expect_rc 65 "--strict: the duplicate product id is an input error"
expect_err "products.csv:30: duplicate id \"p-1012-1\"" "--strict names the row"
[ ! -e "$TMP/out6" ]; ok $? "input errors: nothing written"

# OUT that cannot be created.
cr run --export samples/export --manifest samples/manifest.csv \
    --out /proc/custrelease-cannot --now $NOW
expect_rc 73 "OUT cannot be created"

done_testing
