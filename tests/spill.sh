#!/bin/sh
# spill.sh -- the product-id check of `run` through its temporary file
# (seen.h, docs/behaviour.md "Memory"): past 131,072 product ids it does
# not keep, load writes their hashes to an unnamed file in $TMPDIR.
#
# An export of 35,000 customers and 140,000 products, made here with awk,
# holds one product id twice: first in a row of a customer nobody asks
# for, at the top of products.csv (so its hash is among those written to
# the file), then in a row of a customer the manifest releases.  That
# request must be rejected as E_EXPORT_INCONSISTENT, as it is when the
# export is small; without the duplicate row it is released.  With a
# $TMPDIR that cannot be written, the run exits 74 naming it and commits
# nothing; a small export never touches $TMPDIR at all.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

NOW=2026-12-01T02:00:00Z
KEY=$SAMPLE_KEY
NCUST=35000

# mkexport DIR DUP: the export; DUP=1 adds the early duplicate row.
mkexport() {
	mkdir -p "$1"
	for f in accounts domain_contacts shares; do
		head -1 "$SAMPLES/export/$f.csv" > "$1/$f.csv"
	done
	head -1 "$SAMPLES/export/organizations.csv" > "$1/organizations.csv"
	echo "org-a,resell-a,company,true,Resell A,Ann,Admin,ops@resell-a.example,1 rue Haute,,75001,Paris,,FR,+33.140000000,,fr" \
	    >> "$1/organizations.csv"
	head -1 "$SAMPLES/export/customers.csv" > "$1/customers.csv"
	head -1 "$SAMPLES/export/products.csv" > "$1/products.csv"
	if [ "$2" -eq 1 ]; then
		echo "p-34990-1,c-5,hosting,dup.example,active,2027-01-01T00:00:00Z" \
		    >> "$1/products.csv"
	fi
	awk -v n=$NCUST -v c="$1/customers.csv" -v p="$1/products.csv" '
	BEGIN {
		for (i = 1; i <= n; i++) {
			printf "c-%d,org-a,individual,Ann,Lee%d,,ann%d@cust.example,1 Main St,,75001,Paris,,FR,+33.612345678,,fr,,active\n", i, i, i >> c
			for (k = 1; k <= 4; k++)
				printf "p-%d-%d,c-%d,hosting,h%d-%d.example,active,2027-01-01T00:00:00Z\n", i, k, i, i, k >> p
		}
	}'
}

mkexport "$TMP/dup" 1
mkexport "$TMP/clean" 0
cat > "$TMP/manifest.csv" <<EOF
request_id,reseller_id,customer_id,quickshare_to,import_to,reseller_contacts,on_mismatch,requested_by
rq-1,org-a,c-100,,,,,ops@resell-a.example
rq-2,org-a,c-34990,,,,,ops@resell-a.example
EOF
[ "$(($(wc -l < "$TMP/dup/products.csv") - 2))" -gt 131072 ]
ok $? "the export has more than 131,072 product ids nobody asks for"

# decision RUNDIR REQUEST: "outcome,codes" of a request in decisions.csv.
decision() {
	awk -F, -v r="$2" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	    $col["request_id"] == r { print $col["outcome"] "," $col["codes"] }' \
	    "$1"/*/decisions.csv
}

mkdir "$TMP/spool"
TMPDIR=$TMP/spool cr run --export "$TMP/dup" --manifest "$TMP/manifest.csv" \
    --out "$TMP/out-dup" --now $NOW --token-key "$KEY" --quiet
expect_rc 1 "run with the duplicate: one request rejected"
[ "$(decision "$TMP/out-dup" rq-1)" = "released," ]
ok $? "rq-1 released ($(decision "$TMP/out-dup" rq-1))"
[ "$(decision "$TMP/out-dup" rq-2)" = "rejected,E_EXPORT_INCONSISTENT" ]
ok $? "rq-2: the duplicate id found through the spilled hashes ($(decision "$TMP/out-dup" rq-2))"
[ -z "$(ls -A "$TMP/spool")" ]
ok $? "nothing left in \$TMPDIR"

TMPDIR=$TMP/spool cr run --export "$TMP/clean" --manifest "$TMP/manifest.csv" \
    --out "$TMP/out-clean" --now $NOW --token-key "$KEY" --quiet
expect_rc 0 "run without the duplicate"
[ "$(decision "$TMP/out-clean" rq-2)" = "released," ]
ok $? "rq-2 released when its ids are unique ($(decision "$TMP/out-clean" rq-2))"

TMPDIR=$TMP/nonexistent cr run --export "$TMP/dup" \
    --manifest "$TMP/manifest.csv" --out "$TMP/out-notmp" --now $NOW \
    --token-key "$KEY" --quiet
expect_rc 74 "a \$TMPDIR that cannot be written"
expect_err "$TMP/nonexistent" "the message names \$TMPDIR"
[ -z "$(ls "$TMP/out-notmp" 2>/dev/null)" ]
ok $? "nothing committed"

# (at the default budget: $CUSTRELEASE_VERIFY_MEM makes the reports spill)
unset CUSTRELEASE_VERIFY_MEM
TMPDIR=$TMP/nonexistent cr run --export "$SAMPLES/export" \
    --manifest "$SAMPLES/manifest.csv" --out "$TMP/out-small" --now $NOW \
    --token-key "$KEY" --templates "$top_srcdir/templates" --quiet
expect_rc 1 "a small export does not need \$TMPDIR"

done_testing
