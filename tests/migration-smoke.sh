#!/bin/sh
# migration-smoke.sh -- bench/migration.sh on 5,000 customers, every one
# released: plan and run decide every request, one claim email per
# release, verify accepts the bundle, and the table shows every line;
# and bench/emails-layout.sh on 300 files.
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

# bench/emails-layout.sh on 300 files it makes: both layouts timed.
rc=0
PYTHON3=$PYTHON3 sh "$top_srcdir/bench/emails-layout.sh" --make 300 \
    "$NOBLANK/layout" >"$TMP/layout.out" 2>&1 || rc=$?
ok $rc "bench/emails-layout.sh --make 300 (exit $rc)"
[ $rc -eq 0 ] || sed 's/^/# /' "$TMP/layout.out" | tail -20
grep -q '^claim emails: 300 files in one directory' "$TMP/layout.out"
ok $? "emails-layout: it counted the 300 files"
for l in 'ls -f (cold)' 'ls -l' 'find -type f' 'du -s' 'tar c > /dev/null'; do
	grep -q "^$l  *[0-9][0-9.]*  *[0-9][0-9.]*\$" "$TMP/layout.out"
	ok $? "emails-layout: both layouts timed for $l"
done
[ "$(find "$NOBLANK/layout/spread" -name '*.eml' | wc -l)" -eq 300 ]
ok $? "emails-layout: the spread tree links all 300 files"
done_testing
