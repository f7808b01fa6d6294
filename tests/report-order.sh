#!/bin/sh
# report-order.sh -- the bundle's reports in bounded memory (report.c): the
# index of decisions.csv and ownership.csv is an external sort whose
# records are kept in memory up to a quarter of the budget and past that
# in temporary files.  With the budget ($CUSTRELEASE_VERIFY_MEM, a testing
# aid) lowered to 256 bytes a small bundle takes the paths of a
# million-request one, and its reports must be byte for byte those of the
# default budget, in the order the reports promise: requests by manifest
# line as a number (what strtoul makes of it: empty or junk is 0, a
# negative one wraps, an overflow is the largest), products by the
# customer id as written (bytewise), ties in file order.  The rows come
# out of order, in order, and in order then out of it (the index is then
# moved to the sort), with a few hundred customers.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

: "${MKBUNDLE:=$top_builddir/tests/mkbundle}"
unset CUSTRELEASE_VERIFY_MEM	# the default budget, but where set below
RUN_ID=20261130T020000Z-0a0b0c0d
EPOCH=1796004000
SPOOL=$TMP/spool
mkdir "$SPOOL"

# payload DIR SHAPE: decisions.csv and ownership.csv; SHAPE is shuffled,
# sorted or tail (sorted, then a shuffled tail).
payload() {
	mkdir -p "$1"
	"$PYTHON3" - "$1" "$2" <<'PY'
import csv, random, sys
d, shape = sys.argv[1], sys.argv[2]
rnd = random.Random(7)
odd_lines = ["", "abc", "-1", "-0", "+4", "  7", "007", "3abc", "0x10",
             "1e3", "18446744073709551615", "18446744073709551616",
             "99999999999999999999999"]
odd_ids = ["", "c-1", "c-1 ", "c-1\t", "C-1", "'=x", "=x", "'+1", "+1",
           "a,b", "a\nb", "\u00e9", "~", "c-"]
def order(rows, shape):
    if shape == "shuffled":
        rnd.shuffle(rows)
    elif shape == "tail":
        head = rows[:len(rows) * 3 // 4]
        tail = rows[len(rows) * 3 // 4:]
        rnd.shuffle(tail)
        rows = head + tail
    return rows
# decisions: a line each, some repeated, some odd (sorted: numbers only)
lines = [str(1 + i // 2) for i in range(600)]
if shape != "sorted":
    lines += [rnd.choice(odd_lines) for _ in range(40)]
lines = order(sorted(lines, key=lambda s: int(s) if s.isdigit() else 0)
              if shape == "sorted" else lines, shape)
with open(d + "/decisions.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["request_id", "line", "customer_id", "reseller_id",
                "requested_by", "outcome", "codes", "message"])
    for i, l in enumerate(lines):
        w.writerow(["rq-%04d" % i, l, "c-%d" % i, "org-a", "ops",
                    ("released", "skipped", "rejected")[i % 3],
                    "E_A;E_B" if i % 3 == 2 else "",
                    "a message,\nover two lines" if i % 7 == 0 else ""])
# ownership: a few hundred customers, several products each
ids = ["c-%d" % rnd.randint(1, 400) for _ in range(900)]
if shape != "shuffled":
    ids.sort()
if shape != "sorted":
    ids += [rnd.choice(odd_ids) for _ in range(60)]
ids = order(ids, shape)
with open(d + "/ownership.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["run_id", "request_id", "product_id", "kind", "name",
                "customer_id", "from_reseller_id", "to",
                "change_owner_required", "effective_at"])
    for i, c in enumerate(ids):
        w.writerow(["x", "rq-%04d" % (i % 97), "p-%04d" % i, "domain",
                    "n%d.example" % i, c, "org-a", "new-account",
                    "true" if i % 5 == 0 else "false",
                    "2026-11-30T02:00:00Z"])
PY
}

# want DIR: the request ids and product ids in the order the reports
# promise, from the payload (computed here, not by custrelease).
want() {
	"$PYTHON3" - "$1" <<'PY'
import csv, sys
d = sys.argv[1]
def strtoul(s):
    i = 0
    while i < len(s) and s[i] in " \t\n\v\f\r":
        i += 1
    neg = i < len(s) and s[i] == "-"
    if i < len(s) and s[i] in "+-":
        i += 1
    j = i
    while j < len(s) and s[j].isdigit():
        j += 1
    if j == i:
        return 0
    v = int(s[i:j])
    if v >= 1 << 64:
        return (1 << 64) - 1
    return (-v) % (1 << 64) if neg else v
rows = list(csv.DictReader(open(d + "/decisions.csv", newline="")))
for n, r in sorted(enumerate(rows), key=lambda x: (strtoul(x[1]["line"]), x[0])):
    print("request " + r["request_id"])
rows = list(csv.DictReader(open(d + "/ownership.csv", newline="")))
for n, r in sorted(enumerate(rows),
                   key=lambda x: (x[1]["customer_id"].encode(), x[0])):
    print("product " + r["product_id"])
PY
}

# got REPORT.TXT: the same, as report.txt lists them.
got() {
	sed -n -e 's/^  request_id  *\(rq-[0-9]*\)$/request \1/p' \
	    -e 's/^    domain  .*  (\(p-[0-9]*\))$/product \1/p' "$1"
}

# reports BUNDLE DIR: data/report.txt and data/report.html into DIR.
reports() {
	mkdir -p "$2" &&
	tar -xzf "$1" -C "$2" --strip-components=2 \
	    "audit-$RUN_ID/data/report.txt" "audit-$RUN_ID/data/report.html"
}

for shape in shuffled sorted tail; do
	P=$TMP/$shape
	payload "$P/payload" "$shape"
	ok $? "$shape: the payload is made"
	"$MKBUNDLE" "$RUN_ID" "$EPOCH" "$P/payload" "$P/dflt.tar.gz" \
	    >"$TMP/out" 2>"$TMP/err"
	ok $? "$shape: a bundle with the default budget"
	TMPDIR=$SPOOL CUSTRELEASE_VERIFY_MEM=256 "$MKBUNDLE" "$RUN_ID" \
	    "$EPOCH" "$P/payload" "$P/small.tar.gz" >"$TMP/out" 2>"$TMP/err"
	ok $? "$shape: a bundle with a budget of 256 bytes"
	reports "$P/dflt.tar.gz" "$P/dflt" && reports "$P/small.tar.gz" "$P/small"
	ok $? "$shape: the reports are in both bundles"
	expect_same "$P/dflt/report.txt" "$P/small/report.txt" \
	    "$shape: report.txt is the same with a budget of 256 bytes"
	expect_same "$P/dflt/report.html" "$P/small/report.html" \
	    "$shape: report.html is the same with a budget of 256 bytes"
	want "$P/payload" >"$P/want"
	got "$P/small/report.txt" >"$P/got"
	[ "$(wc -l <"$P/want")" -gt 1000 ]
	ok $? "$shape: over a thousand rows to order ($(wc -l <"$P/want"))"
	expect_same "$P/want" "$P/got" \
	    "$shape: requests by line as a number, products by customer id, ties in file order"
done
[ -z "$(ls -A "$SPOOL")" ]
ok $? "no temporary file is left in \$TMPDIR"

# The small budget does go through temporary files: the bundle writer
# with an unwritable $TMPDIR is exit 74; the default one keeps a small
# bundle's index in memory and needs no $TMPDIR.  run keeps its temporary
# files in the run being built: $TMPDIR does not matter to it.
P=$TMP/shuffled
rc=0
TMPDIR=$TMP/nonexistent CUSTRELEASE_VERIFY_MEM=256 "$MKBUNDLE" "$RUN_ID" \
    "$EPOCH" "$P/payload" "$TMP/spilt.tar.gz" >"$TMP/out" 2>"$TMP/err" ||
    rc=$?
[ $rc -eq 74 ] && grep -q "$TMP/nonexistent" "$TMP/err"
ok $? "a budget of 256 bytes spills: an unwritable \$TMPDIR is exit 74, named (exit $rc)"
rc=0
TMPDIR=$TMP/nonexistent "$MKBUNDLE" "$RUN_ID" "$EPOCH" "$P/payload" \
    "$TMP/notmp.tar.gz" >"$TMP/out" 2>"$TMP/err" || rc=$?
cmp -s "$TMP/notmp.tar.gz" "$P/dflt.tar.gz"
ok $(( rc + $? )) "the default budget needs no \$TMPDIR for a small bundle (exit $rc)"
TMPDIR=$TMP/nonexistent CUSTRELEASE_VERIFY_MEM=256 cr run \
    --export samples/export --manifest samples/manifest.csv \
    --out "$TMP/run-notmp" --now 2026-12-01T02:00:00Z \
    --token-key "$SAMPLE_KEY" --quiet
expect_rc 1 "run, a budget of 256 bytes, an unwritable \$TMPDIR: committed"

# A whole run: the bundle is the same byte for byte with either budget.
for m in dflt small; do
	if [ $m = small ]; then
		export CUSTRELEASE_VERIFY_MEM=256
	fi
	cr run --export samples/export --manifest samples/manifest.csv \
	    --out "$TMP/run-$m" --now 2026-12-01T02:00:00Z \
	    --token-key "$SAMPLE_KEY" --quiet
	expect_rc 1 "samples, $m budget: run committed, some requests rejected"
	unset CUSTRELEASE_VERIFY_MEM
done
cmp -s "$TMP"/run-dflt/*/audit-*.tar.gz "$TMP"/run-small/*/audit-*.tar.gz
ok $? "samples: the run's bundle is the same with a budget of 256 bytes"

done_testing
