#!/bin/sh
# check.sh -- `custrelease check` end to end: the row-level problems of
# docs/format.md 2.1 listed with file and line (golden outputs in tests/data/check/),
# exit 0 clean / 1 problems, --strict turning the first problem of the
# export into an input error (not the manifest's), and the CSV and XML forms of the samples agreeing.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

cr check --export tests/data/clean --manifest tests/data/clean/manifest.csv
expect_rc 0 "clean export and manifest"

cr check --export tests/data/problems --manifest tests/data/problems/manifest.csv
expect_rc 1 "row-level problems"
expect_same tests/data/check/problems.out "$TMP/out" "problems listed with file and line"

cr check --strict --export tests/data/problems
expect_rc 65 "--strict: a row problem is an input error"
expect_err "^custrelease: tests/data/problems/organizations.csv:3: column \"type\" \"corporation\"" "--strict names the first problem"

# --strict is about the export (docs/format.md 2.1): with a clean export, a bad
# manifest row or an id the export lacks is still a listed problem.
printf 'request_id,reseller_id,customer_id,requested_by\nbad id,org-1,c-1,alice\nr-2,org-1,c-404,alice\n' > "$TMP/badman.csv"
cr check --strict --export tests/data/clean --manifest "$TMP/badman.csv"
expect_rc 1 "--strict, clean export, bad manifest rows: problems, not an input error"
rc=0
grep -q "badman.csv:2: column \"request_id\"" "$TMP/out" &&
    grep -q "badman.csv:3: customer_id \"c-404\": no such customer" "$TMP/out" ||
    rc=1
ok $rc "--strict: both manifest problems listed"
[ $rc -eq 0 ] || sed 's/^/# /' "$TMP/out" "$TMP/err" | head -8

cr check --export samples/export --manifest samples/manifest.csv
expect_rc 1 "samples, CSV form (one duplicate product id, manifest problems)"
expect_same tests/data/check/samples-csv.out "$TMP/out" "samples, CSV form: report"

cr check --export samples/export.xml --manifest samples/manifest.xml
expect_rc 1 "samples, XML form"
expect_same tests/data/check/samples-xml.out "$TMP/out" "samples, XML form: report"

# The two forms find the same problems: compare the count table.
tail -8 tests/data/check/samples-csv.out > "$TMP/csv.counts"
tail -8 "$TMP/out" > "$TMP/xml.counts"
expect_same "$TMP/csv.counts" "$TMP/xml.counts" "CSV and XML forms: same counts"

# Unknown columns are warned once each, and do not make a problem.
mkdir -p "$TMP/extra"
cp tests/data/clean/*.csv "$TMP/extra/"
sed '1s/$/,color,size/; 2,$s/$/,red,XL/' tests/data/clean/products.csv > "$TMP/extra/products.csv"
cr check --export "$TMP/extra"
expect_rc 0 "unknown columns ignored"
expect_err "products.csv:1: warning: unknown column \"color\" ignored" "unknown column warned"
[ "$(grep -c 'unknown column' "$TMP/err")" -eq 2 ]
ok $? "one warning per unknown column"

# Semicolon-delimited with a BOM and CRLF.
mkdir -p "$TMP/semi"
for f in tests/data/clean/*.csv; do
	{ printf '\357\273\277'; tr ',' ';' < "$f" | sed 's/$/\r/'; } > "$TMP/semi/${f##*/}"
done
cr check --export "$TMP/semi"
expect_rc 0 "semicolons, BOM and CRLF"

done_testing
