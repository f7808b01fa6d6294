#!/bin/sh
# bounds.sh -- whatever a run commits, a later run and verify read back, at
# the limits: a customer with 25,000 domains (one clause per domain in
# several codes) gets a bounded message, and a manifest or export value of
# the longest allowed size survives the formula guard and two runs on one
# OUT; one byte more is refused with file, line and column named.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

KEY=$TMP/token.key
cp samples/token.key "$KEY" && chmod 600 "$KEY"
NOW=2026-12-01T02:00:00Z
NDOM=25000

# The sample export plus c-9000 of org-nordwind: NDOM domains, each shared
# with nw-ops and with the reseller as admin contact.
cp -R samples/export "$TMP/big"
"$PYTHON3" - "$TMP/big" "$NDOM" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
with open(d + "/customers.csv", "a") as f:
    f.write("c-9000,org-nordwind,individual,Karl,Gross,,karl@gross.example,"
            "Hauptstr. 1,,20457,Hamburg,DE-HH,DE,+49.401234567,,de,NW-9,"
            "active\n")
with open(d + "/products.csv", "a") as p, \
     open(d + "/shares.csv", "a") as s, \
     open(d + "/domain_contacts.csv", "a") as c:
    for i in range(n):
        pid = "p-9000-%d" % i
        p.write("%s,c-9000,domain,gross-%d.example,active,"
                "2027-04-30T00:00:00Z\n" % (pid, i))
        s.write("%s,nw-ops,quickshare\n" % pid)
        c.write("%s,owner,,Karl,Gross,,karl@gross.example\n" % pid)
        c.write("%s,admin,org-nordwind,Lena,Vogel,,"
                "support@nordwind-web.example\n" % pid)
PY
ok $? "an export with a customer of $NDOM domains generated"
printf '%s\n' \
    'request_id,reseller_id,customer_id,quickshare_to,import_to,reseller_contacts,on_mismatch,requested_by' \
    'big-1,org-nordwind,c-9000,nw-ops,,keep,,ops' >"$TMP/big.csv"

cr run --export "$TMP/big" --manifest "$TMP/big.csv" --out "$TMP/o" \
    --now $NOW --token-key "$KEY"
expect_rc 0 "the large customer is released"
dec=$(ls "$TMP"/o/*/decisions.csv)
line=$(grep '^big-1,' "$dec")
[ ${#line} -gt 0 ] && [ ${#line} -lt 8192 ]
ok $? "its message is bounded (${#line} bytes)"
echo "$line" | grep -q "gross-9\.example is already shared with \"\"nw-ops\"\", and $((NDOM - 10)) more"
ok $? "W_ALREADY_SHARED names ten domains and counts the others"
echo "$line" | grep -q "the reseller stays admin of gross-0\.example, .*admin of gross-9\.example, and $((NDOM - 10)) more"
ok $? "W_RESELLER_CONTACT_KEPT names ten roles and counts the others"

cr verify "$TMP"/o/*/audit-*
expect_rc 0 "verify accepts the bundle of the large customer"

# The next run on that OUT reads the history back.
cr run --export samples/export --manifest samples/manifest.csv \
    --out "$TMP/o" --now 2026-12-02T02:00:00Z --token-key "$KEY"
expect_rc 1 "the next run on that OUT commits"
[ "$(ls -d "$TMP"/o/2026* | wc -l)" -eq 2 ]
ok $? "two runs committed"

# Without reseller_contacts: the rejection names ten roles too.
sed 's/,keep,/,,/; s/big-1/big-2/' "$TMP/big.csv" >"$TMP/big2.csv"
cr plan --export "$TMP/big" --manifest "$TMP/big2.csv" --now $NOW
expect_rc 1 "without reseller_contacts the request is rejected"
grep -q "E_RESELLER_CONTACT.*admin of gross-9\.example, and $((NDOM - 10)) more" "$TMP/out"
ok $? "E_RESELLER_CONTACT names ten roles and counts the others"

# A manifest value at the limit, beginning with "=": the formula guard
# makes the written cell one byte longer, and later runs still read it.
long=$("$PYTHON3" -c 'print("=" + "x" * 4095)')
head -1 samples/manifest.csv >"$TMP/long.csv"
echo "long-1,org-acme,c-1001,,,,,$long" >>"$TMP/long.csv"
for d in 03 04; do
	cr run --export samples/export --manifest "$TMP/long.csv" \
	    --out "$TMP/long" --now 2026-12-${d}T02:00:00Z --token-key "$KEY"
	expect_rc 0 "a 4096-byte requested_by, run of the $d"
done
grep -q "^long-1,.*,'=x*,released," "$TMP"/long/20261203*/decisions.csv
ok $? "it is written neutralized"
grep -q '^long-1,.*S_ALREADY_APPLIED' "$TMP"/long/20261204*/decisions.csv
ok $? "the second run read the first one back"
cr verify "$TMP"/long/20261203*/audit-*
expect_rc 0 "verify accepts it"

# One byte more: refused before OUT is touched, naming file, line, column.
long=$("$PYTHON3" -c 'print("=" + "x" * 4096)')
for form in csv xml; do
	if [ $form = csv ]; then
		head -1 samples/manifest.csv >"$TMP/over.csv"
		echo "over-1,org-acme,c-1001,,,,,$long" >>"$TMP/over.csv"
	else
		printf '<?xml version="1.0"?>\n<manifest xmlns="urn:custrelease:manifest:1">\n<release request_id="over-1" reseller_id="org-acme"\n customer_id="c-1001" requested_by="%s"/>\n</manifest>\n' \
		    "$long" >"$TMP/over.xml"
	fi
	cr run --export samples/export --manifest "$TMP/over.$form" \
	    --out "$TMP/over-$form" --now $NOW --token-key "$KEY"
	expect_rc 65 "$form: a 4097-byte manifest value is refused"
	expect_err "over\.$form:[12]: column \"requested_by\": value longer than 4096 bytes" \
	    "$form: the error names file, line and column"
	[ ! -e "$TMP/over-$form" ]
	ok $? "$form: OUT was not created"
	! grep -q xxxxxxxx "$TMP/err"
	ok $? "$form: the value is not echoed"
done

# A manifest of more requests than a run may hold (hence more emails than
# verify reads from a bundle): refused before OUT is touched.
"$PYTHON3" -c '
import sys
with open(sys.argv[1], "w") as f:
    f.write("request_id,reseller_id,customer_id\n")
    for i in range(1000001):
        f.write("r-%d,org-acme,c-%d\n" % (i, i))
' "$TMP/huge.csv"
cr run --export samples/export --manifest "$TMP/huge.csv" --out "$TMP/huge" \
    --now $NOW --token-key "$KEY"
expect_rc 65 "a manifest of 1,000,001 requests is refused"
expect_err 'huge\.csv:1000002: more than 1000000 requests' \
    "the error names the file and the first request too many"
[ ! -e "$TMP/huge" ]
ok $? "OUT was not created"
rm -f "$TMP/huge.csv"

# An export value over the limit makes its row a problem, not a record.
cp -R samples/export "$TMP/ex"
"$PYTHON3" - "$TMP/ex/customers.csv" <<'PY'
import sys
p = sys.argv[1]
rows = open(p).read().split("\n")
rows = [r.replace("8 rue Sainte-Catherine", "8 rue " + "y" * 4096)
        if r.startswith("c-1001,") else r for r in rows]
open(p, "w").write("\n".join(rows))
PY
cr plan --export "$TMP/ex" --manifest samples/manifest.csv --now $NOW
expect_rc 1 "plan with a 4102-byte street address"
grep -q 'rq-2026-0001.*E_EXPORT_INCONSISTENT.*column "streetaddr".*longer than 4096 bytes' "$TMP/out"
ok $? "its customer is rejected, the column named"
! grep -q yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy "$TMP/out" "$TMP/err"
ok $? "the value is quoted short, if at all"

done_testing
