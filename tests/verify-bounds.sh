#!/bin/sh
# verify-bounds.sh -- verify on hostile bundles: a code that is not in the
# table (src/codes.def) is a problem even when every record agrees on it;
# a summary with 80,000 counts.codes keys, a bag of a million entries and
# an over-long name are reported, with at most 100 problems printed and
# the rest counted; and what verify keeps per entry and in all is bounded.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

: "${MKBUNDLE:=$top_builddir/tests/mkbundle}"
PAYLOAD=$DATA/bundle
RUN_ID=$(sed -n 's/.*"run_id": *"\([^"]*\)".*/\1/p' "$PAYLOAD/summary.json")
EPOCH=1796004000

# mk PAYLOAD_DIR OUTPUT: a bundle of those payload files.
mk() {
	rm -f "$2"
	"$MKBUNDLE" "$RUN_ID" "$EPOCH" "$1" "$2"
}

# A code outside the table, told consistently by decisions.csv and
# summary.json: the old check by shape accepted it.
cp -R "$PAYLOAD" "$TMP/bogus"
sed -i 's/E_UNKNOWN_RESELLER;E_UNKNOWN_CUSTOMER/E_UNKNOWN_RESELLER;E_TOTALLY_BOGUS/' \
    "$TMP/bogus/decisions.csv"
sed -i 's/"E_UNKNOWN_CUSTOMER": 1/"E_TOTALLY_BOGUS": 1/' "$TMP/bogus/summary.json"
grep -q E_TOTALLY_BOGUS "$TMP/bogus/decisions.csv" &&
    grep -q E_TOTALLY_BOGUS "$TMP/bogus/summary.json"
ok $? "a bag whose records agree on E_TOTALLY_BOGUS"
mk "$TMP/bogus" "$TMP/bogus.tar.gz"
ok $? "written"
cr verify "$TMP/bogus.tar.gz"
expect_rc 1 "verify rejects an unknown code"
expect_err 'decisions\.csv: line 7: codes "E_UNKNOWN_RESELLER;E_TOTALLY_BOGUS": not all are decision codes' \
    "decisions.csv names the line"
expect_err 'summary\.json: counts\.codes: "E_TOTALLY_BOGUS" is not a decision code' \
    "summary.json names the key"

# 80,000 forged keys in counts.codes: each is a problem, 100 are printed.
cp -R "$PAYLOAD" "$TMP/keys"
"$PYTHON3" - "$TMP/keys/summary.json" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
keys = "".join('      "E_K%06d": 0,\n' % i for i in range(80000))
s = s.replace('"codes": {\n', '"codes": {\n' + keys, 1)
open(p, "w").write(s)
PY
ok $? "a summary with 80,000 more counts.codes keys"
mk "$TMP/keys" "$TMP/keys.tar.gz"
cr verify "$TMP/keys.tar.gz"
expect_rc 1 "verify rejects them"
[ "$(grep -c 'is not a decision code' "$TMP/err")" -eq 100 ]
ok $? "the first 100 problems are printed"
expect_err ': 79900 more problems not shown$' "the others are counted"
grep -q '^verify: 80000 problems$' "$TMP/out"
ok $? "stdout counts all 80,000"
[ "$(wc -l <"$TMP/err")" -eq 101 ]
ok $? "stderr holds 101 lines, not 80,000"

# A million empty entries and more: verify stops at its entry bound
# (docs/behaviour.md "Bounds"), prints at most 100 problems, and its
# memory stays bounded with it.
"$PYTHON3" "$top_srcdir/tests/gen-entries.py" "$TMP/many.tar.gz" 1000100
ok $? "a bundle of 1,000,101 entries"
"$PYTHON3" -c '
import os, resource, sys
fo = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
fe = os.open(sys.argv[3], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
pid = os.fork()
if pid == 0:
    os.dup2(fo, 1); os.dup2(fe, 2)
    os.execv(sys.argv[1], [sys.argv[1], "verify", sys.argv[4]])
_, st = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(st),
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
' "$CUSTRELEASE" "$TMP/out" "$TMP/err" "$TMP/many.tar.gz" >"$TMP/many.st"
read -r rc kib <"$TMP/many.st"
expect_rc 1 "verify rejects it"
expect_err '\(archive\): more than 1000064 entries: not read further' \
    "and says where it stopped"
[ "$(wc -l <"$TMP/err")" -le 101 ]
ok $? "with at most 101 lines of stderr"
[ "$kib" -gt 0 ] && [ "$kib" -lt 1048576 ]
ok $? "peak RSS under 1 GiB ($kib KiB)"

# A name longer than any custrelease writes (its writer refuses it too,
# so the bag is repacked by tar).
mk "$PAYLOAD" "$TMP/good.tar.gz"
mkdir "$TMP/x"
tar -xzf "$TMP/good.tar.gz" -C "$TMP/x"
name=$("$PYTHON3" -c 'print("n" * 250)')
: >"$TMP/x/audit-$RUN_ID/data/$name.eml"
tar -C "$TMP/x" -czf "$TMP/long.tar.gz" "audit-$RUN_ID"
ok $? "a bag with a 259-byte name, packed by tar"
cr verify "$TMP/long.tar.gz"
expect_rc 1 "verify rejects it"
expect_err 'name longer than 255 bytes' "and says why"

done_testing
