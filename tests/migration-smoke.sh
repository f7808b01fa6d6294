#!/bin/sh
# migration-smoke.sh -- bench/migration.sh on 5,000 customers, every one
# released: plan and run decide every request, one claim email per
# release, verify accepts the bundle, and the table shows every line.
# The real migration benchmark (make bench-migration) never runs in the
# test suite.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
if [ -z "$PYTHON3" ] || [ ! -x /usr/bin/time ]; then
	skip "bench/migration.sh on 5000 customers" "needs python3 and time"
	done_testing
fi
rc=0
BENCH_CACHE=$NOBLANK/migration PYTHON3=$PYTHON3 sh \
    "$top_srcdir/bench/migration.sh" "$top_builddir" "$top_srcdir" 5000 \
    >"$TMP/bench.out" 2>&1 || rc=$?
ok $rc "bench/migration.sh on 5000 customers (exit $rc)"
[ $rc -eq 0 ] || sed 's/^/# /' "$TMP/bench.out" | tail -40
grep -q '^checks: every request decided, one claim email per release, the bundle verifies$' "$TMP/bench.out"
ok $? "bench-migration: its checks held"
for l in '^plan, 500 requests  *[0-9]' '^plan, 5000 requests  *[0-9]' \
    '^run, 5000 requests  *[0-9]' '^verify, the bundle of that run  *[0-9]' \
    '^floor: the run.s files (bench/floor.c)  *[0-9]' \
    '^  run / floor  *[0-9.]*   target <= 1.2$' \
    '^  plan, every customer / (2 x plan, small + writing)  *[0-9.]*   target <= 1$' \
    '^  floor: [0-9]* files, [0-9]* bytes'; do
	grep -q "$l" "$TMP/bench.out"
	ok $? "bench-migration: a line $l"
done
done_testing
