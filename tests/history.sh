#!/bin/sh
# history.sh -- what a run reads back from the committed runs of OUT: a
# large history (300,000 released rows in 30 runs) gives the same decisions
# as none, a release deep in it is still honoured, and the run's memory
# does not grow with it.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

KEY=$SAMPLE_KEY
NOW=2026-12-01T02:00:00Z

# rss OUTFILE ARGS...: run custrelease, its peak RSS in KiB into OUTFILE.
rss() {
	_f=$1
	shift
	"$PYTHON3" -c '
import os, resource, sys
fa = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
      (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]
os.waitpid(os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ,
                          file_actions=fa), 0)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
' "$CUSTRELEASE" "$@" >"$_f"
}

# The same three runs on an OUT without history and on one with a large one.
"$PYTHON3" tests/gen-history.py "$TMP/big" 30 10000
ok $? "a history of 300,000 released rows generated"
for o in small big; do
	cr run --export samples/export --manifest samples/manifest.csv \
	    --out "$TMP/$o" --now $NOW --token-key "$KEY"
	expect_rc 1 "$o history: first run committed"
	cr run --export samples/export --manifest samples/manifest.csv \
	    --out "$TMP/$o" --now 2026-12-02T02:00:00Z --token-key "$KEY"
	expect_rc 1 "$o history: rerun committed"
	rss "$TMP/$o.rss" run --export samples/export \
	    --manifest samples/manifest-rerun.csv --out "$TMP/$o" \
	    --now 2026-12-03T02:00:00Z --token-key "$KEY"
done
for d in 20261202 20261203; do
	cmp -s "$TMP"/small/$d*/decisions.csv "$TMP"/big/$d*/decisions.csv
	ok $? "run of $d: decisions byte-identical with and without history"
done
[ "$(grep -c ',skipped,S_ALREADY_APPLIED,' "$TMP"/big/20261202*/decisions.csv)" \
    -eq 14 ]
ok $? "rerun over the large history: 14 requests already applied"
grep -q ',S_ALREADY_RELEASED,' "$TMP"/big/20261203*/decisions.csv
ok $? "manifest-rerun over the large history: already released"

# Memory follows the manifest, not the history: the old loader kept every
# released row (over 60 MB more for these 300,000).
small=$(cat "$TMP/small.rss") big=$(cat "$TMP/big.rss")
[ "$small" -gt 0 ] && [ $((big - small)) -lt 16384 ]
ok $? "peak RSS with the large history within 16 MiB of none ($small KiB, $big KiB)"

# A release deep in the history, of a customer this manifest names.
"$PYTHON3" tests/gen-history.py "$TMP/deep" 3 1000
first=$(ls "$TMP/deep" | head -1)
echo "old-1,2,c-2002,org-nordwind,'@ops,released,," \
    >>"$TMP/deep/$first/decisions.csv"
cr run --export samples/export --manifest samples/manifest.csv \
    --out "$TMP/deep" --now $NOW --token-key "$KEY"
expect_rc 1 "deep history: run committed"
grep -q '^nw-0002,.*,skipped,S_ALREADY_RELEASED,.*old-1' \
    "$TMP"/deep/2026*/decisions.csv
ok $? "a customer released in an old run is skipped, naming its request"

done_testing
