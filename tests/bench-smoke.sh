#!/bin/sh
# bench-smoke.sh -- bench/run.sh on 1,000 customers: every
# contender runs and the CSV, zip and XML forms give identical records.
# The real benchmark (make bench) never runs in the test suite.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
if [ -z "$PYTHON3" ] || ! command -v sqlite3 >/dev/null 2>&1; then
	skip "bench/run.sh on 1000 customers" "needs python3 and sqlite3"
	done_testing
fi
rc=0
BENCH_CACHE=$NOBLANK/bench PYTHON3=$PYTHON3 sh "$top_srcdir/bench/run.sh" \
    "$top_builddir" "$top_srcdir" 1000 >"$TMP/bench.out" 2>&1 || rc=$?
ok $rc "bench/run.sh on 1000 customers (exit $rc)"
[ $rc -eq 0 ] || sed 's/^/# /' "$TMP/bench.out" | tail -40
grep -q '^checks: the three forms give identical records' "$TMP/bench.out"
ok $? "bench: CSV, zip and XML forms give identical records"
grep -q '^custrelease run, XML form  *[0-9]' "$TMP/bench.out"
ok $? "bench: the table has custrelease's XML row"
done_testing
