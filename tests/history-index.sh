#!/bin/sh
# history-index.sh -- the history index of OUT (docs/format.md 4.3): a run
# commits, then indexes what it released; the next run looks its requests
# up there instead of reading every committed decisions.csv; the answers
# are those of the decisions.csv files whatever state the index is in
# (missing, stale, damaged, a symlink), and it stays a few segments long.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

KEY=$SAMPLE_KEY
IDX=.history-index

# run3 OUT: the samples' three nights on OUT (the second and third ask
# about what the first released); statuses in $TMP/OUT.rc.
run3() {
	: > "$1.rc"
	for _d in 01:manifest.csv 02:manifest.csv 03:manifest-rerun.csv; do
		cr run --export samples/export --manifest "samples/${_d#*:}" \
		    --out "$1" --now "2026-12-${_d%%:*}T02:00:00Z" \
		    --token-key "$KEY" --quiet
		echo "$rc $(cat "$TMP/err" | wc -l)" >> "$1.rc"
	done
}

# same_decisions A B: every run's decisions.csv of OUT A equals B's.
same_decisions() {
	for _r in $(runs "$2"); do
		cmp -s "$1/$_r/decisions.csv" "$2/$_r/decisions.csv" || return 1
	done
	[ "$(runs "$1")" = "$(runs "$2")" ]
}

runs() {
	ls "$1" | grep -E '^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$'
}

# The reference: the three nights with the index out of the way each time.
O=$TMP/ref
: > "$O.rc"
for d in 01:manifest.csv 02:manifest.csv 03:manifest-rerun.csv; do
	cr run --export samples/export --manifest "samples/${d#*:}" \
	    --out "$O" --now "2026-12-${d%%:*}T02:00:00Z" --token-key "$KEY" \
	    --quiet
	echo "$rc $(cat "$TMP/err" | wc -l)" >> "$O.rc"
	rm -rf "${O:?}/$IDX"
done
[ "$(cat "$O.rc")" = "1 0
1 0
1 0" ]; ok $? "reference: three nights without an index commit (exit 1, quiet)"

# --- the index as runs keep it ----------------------------------------------
run3 "$TMP/a"
cmp -s "$TMP/ref.rc" "$TMP/a.rc"
ok $? "with the index: the same exit statuses, nothing on stderr"
same_decisions "$TMP/ref" "$TMP/a"
ok $? "with the index: every night's decisions byte-identical"
[ "$(stat -c %a "$TMP/a/$IDX")" = 700 ] &&
    [ -z "$(find "$TMP/a/$IDX" -type f ! -perm 600)" ]
ok $? "the index directory is 0700, its files 0600"
first=$(runs "$TMP/a" | head -1)
grep -q "^Rrq-2026-0002	c-1002$" "$TMP/a/$IDX/$first.idx" &&
    grep -q "^Cc-1002	rq-2026-0002$" "$TMP/a/$IDX/$first.idx"
ok $? "the first night's releases are in the index, both ways"
[ "$(grep -c '^run ' "$TMP/a/$IDX"/*.idx | awk -F: '{ n += $2 } END { print n }')" -eq 3 ]
ok $? "the index covers the three committed runs"

# plan only reads it: no index is made for an OUT that has none.
cp -R "$TMP/ref" "$TMP/p"
cr plan --export samples/export --manifest samples/manifest-rerun.csv \
    --out "$TMP/p"
expect_rc 1 "plan --out on an OUT without index"
[ ! -e "$TMP/p/$IDX" ]; ok $? "plan makes no index"

# --- the committed runs are the truth ----------------------------------------
# stale: a covered run's decisions.csv no longer says c-1002 was released
# (hand-edited; size and time change): the index must not be believed.
for o in stale noidx; do
	cp -R "$TMP/a" "$TMP/$o"
	rm -rf "${TMP:?}/$o"/2026120[23]*
done
rm -rf "${TMP:?}/noidx/$IDX"
for o in stale noidx; do
	grep -v '^rq-2026-0002,' "$TMP/$o/$first/decisions.csv" > "$TMP/dec"
	cat "$TMP/dec" > "$TMP/$o/$first/decisions.csv"
	cr run --export samples/export --manifest samples/manifest-rerun.csv \
	    --out "$TMP/$o" --now 2026-12-03T02:00:00Z --token-key "$KEY" \
	    --quiet
	expect_rc 1 "$o: run committed"
done
same_decisions "$TMP/noidx" "$TMP/stale"
ok $? "a covered run changed: the index is not believed, decisions as with none"
grep -q '^rq-2026-0101,.*,released,' "$TMP"/stale/20261203*/decisions.csv
ok $? "(and the edit shows: c-1002 released again)"

# damaged: every way of breaking the segments gives the same decisions
# as a clean index, and the next run leaves a sound index behind.
damage() {
	for _f in "$1/$IDX"/*.idx; do
		case $2 in
		truncate) head -c 100 "$_f" > "$TMP/seg" ;;
		garbage) sed 's/^C/X/; s/	/ /' "$_f" > "$TMP/seg" ;;
		unsorted) { sed -n '1,/^entries /p' "$_f"
			  sed '1,/^entries /d' "$_f" | sort -r; } > "$TMP/seg" ;;
		empty) : > "$TMP/seg" ;;
		esac
		cat "$TMP/seg" > "$_f"
	done
}
for how in truncate garbage unsorted empty; do
	O=$TMP/d-$how
	cp -R "$TMP/a" "$O"
	rm -rf "$O"/20261203*
	damage "$O" $how
	cr run --export samples/export --manifest samples/manifest-rerun.csv \
	    --out "$O" --now 2026-12-03T02:00:00Z --token-key "$KEY" --quiet
	expect_rc 1 "$how index: run committed"
	same_decisions "$TMP/a" "$O"
	ok $? "$how index: decisions byte-identical to a sound index's"
	cp -R "$O" "$O.2"
	rm -rf "$O.2"/20261203*
	cr run --export samples/export --manifest samples/manifest-rerun.csv \
	    --out "$O.2" --now 2026-12-03T02:00:00Z --token-key "$KEY" --quiet \
	    && [ "$(grep -h '^run ' "$O/$IDX"/*.idx | wc -l)" -eq 3 ]
	ok $? "$how index: rebuilt to cover the three runs"
done

# a symlink where the index directory goes: not followed, not written
# through, the run commits and says why the index was not kept.
O=$TMP/link
mkdir "$TMP/elsewhere"
cp -R "$TMP/ref" "$O"
rm -rf "$O"/20261203*
ln -s "$TMP/elsewhere" "$O/$IDX"
cr run --export samples/export --manifest samples/manifest-rerun.csv \
    --out "$O" --now 2026-12-03T02:00:00Z --token-key "$KEY" --quiet
expect_rc 1 "index directory is a symlink: run committed"
[ -z "$(ls -A "$TMP/elsewhere")" ]; ok $? "nothing written through the symlink"
same_decisions "$TMP/ref" "$O"
ok $? "symlinked index: decisions as without one"
[ -d "$O/$IDX" ] && [ ! -L "$O/$IDX" ] && [ ! -s "$TMP/err" ]
ok $? "the symlink is replaced by the index, quietly"

# A FIFO under a segment's name: never opened as one (no hang), the runs
# are read instead.
O=$TMP/fifo
cp -R "$TMP/a" "$O"
rm -rf "$O"/20261203*
f=$(ls "$O/$IDX" | head -1)
rm "$O/$IDX/$f" && mkfifo -m 600 "$O/$IDX/$f"
timeout 120 "$CUSTRELEASE" plan --export samples/export \
    --manifest samples/manifest-rerun.csv --out "$O" > "$TMP/plan.out" 2>&1
[ $? -eq 1 ]; ok $? "a FIFO in the index: plan does not hang (exit 1)"
rc=0
timeout 120 "$CUSTRELEASE" run --export samples/export \
    --manifest samples/manifest-rerun.csv --out "$O" \
    --now 2026-12-03T02:00:00Z --token-key "$KEY" --quiet 2> "$TMP/err" ||
    rc=$?
expect_rc 1 "a FIFO in the index: run does not hang, commits"
same_decisions "$TMP/a" "$O" && [ -f "$O/$IDX/$f" ]
ok $? "a FIFO in the index: decisions as with a sound one, the FIFO replaced"

# Debris the index cannot use, where it must write: a directory under the
# next segment's name, a file where the index directory goes.  The next
# run clears it and keeps the index again, quietly.
O=$TMP/debris
cp -R "$TMP/ref" "$O"
rm -rf "$O"/20261203*
mkdir -p "$O/$IDX/20261203T020000Z-54a05bd7.idx/x"
: > "$O/$IDX/.tmp-1"
cr run --export samples/export --manifest samples/manifest-rerun.csv \
    --out "$O" --now 2026-12-03T02:00:00Z --token-key "$KEY" --quiet
expect_rc 1 "a directory under a segment's name: run commits"
[ ! -s "$TMP/err" ] && [ "$(grep -h '^run ' "$O/$IDX"/*.idx | wc -l)" -eq 3 ] &&
    [ ! -e "$O/$IDX/.tmp-1" ]
ok $? "it is cleared, no warning, and the index covers the three runs"
O=$TMP/notdir
cp -R "$TMP/ref" "$O"
rm -rf "$O"/20261203*
: > "$O/$IDX"
cr run --export samples/export --manifest samples/manifest-rerun.csv \
    --out "$O" --now 2026-12-03T02:00:00Z --token-key "$KEY" --quiet
expect_rc 1 "a file where the index directory goes: run commits"
[ ! -s "$TMP/err" ] && [ -d "$O/$IDX" ] &&
    [ "$(grep -h '^run ' "$O/$IDX"/*.idx | wc -l)" -eq 3 ]
ok $? "it is replaced by the index, no warning"

# --- a long history: looked up, not read -----------------------------------
# 40 committed nights of 2,000 releases that have no index yet (written
# directly): the first run reads them and builds the index, the second
# reads none of them.
"$PYTHON3" tests/gen-history.py "$TMP/h" 40 2000
ok $? "40 runs of 2,000 released rows generated"
cp -R "$TMP/h" "$TMP/h0"
for o in h h0; do
	cr run --export samples/export --manifest samples/manifest.csv \
	    --out "$TMP/$o" --now 2026-12-01T02:00:00Z --token-key "$KEY" --quiet
	expect_rc 1 "$o: first night committed"
done
rm -rf "${TMP:?}/h0/$IDX"
nseg=$(ls "$TMP/h/$IDX" | wc -l)
[ "$nseg" -ge 1 ] && [ "$nseg" -le 7 ]
ok $? "41 runs, 160,028 entries: $nseg segments (at most 7)"

if ! build_shim; then
	ok 1 "the open-logging shim builds"
	done_testing
fi
for o in h h0; do
	rm -f "$TMP/$o.log"
	LD_PRELOAD=$SHIM CR_INJECT_ONLY=open CR_INJECT_LOG=$TMP/$o.log \
	    CR_INJECT_PROG=custrelease \
	    "$CUSTRELEASE" run --export samples/export --manifest \
	    samples/manifest.csv --out "$TMP/$o" --now 2026-12-02T02:00:00Z \
	    --token-key "$KEY" --quiet > /dev/null 2>&1
	echo $? > "$TMP/$o.rc"
done
[ "$(cat "$TMP/h.rc") $(cat "$TMP/h0.rc")" = "1 1" ]
ok $? "second night committed, with and without index"
same_decisions "$TMP/h0" "$TMP/h"
ok $? "second night: decisions byte-identical with and without index"
n0=$(grep -Ec "(2020[0-9]{4}|20261201)T[0-9]{6}Z-[0-9a-f]{8}/decisions\.csv" "$TMP/h0.log")
n=$(grep -Ec "(2020[0-9]{4}|20261201)T[0-9]{6}Z-[0-9a-f]{8}/decisions\.csv" "$TMP/h.log")
[ "$n0" -ge 41 ] && [ "$n" -eq 0 ]
ok $? "without index the run opens every old decisions.csv ($n0), with it none ($n)"
grep -q "\.idx" "$TMP/h.log"
ok $? "with it, it opens the index's segments"
grep -q '^rq-2026-0001,.*,skipped,S_ALREADY_APPLIED,' \
    "$TMP"/h/20261202*/decisions.csv
ok $? "and still finds the first night's releases"

# Damage the binary searches never meet (one byte, the same size), then
# a larger night that makes the next run merge the damaged segment: the
# merge reads every line, finds it, and the index is rebuilt from the runs
# (a merge that kept what it could read forgot every entry after it, and
# c-1001 was released a second time).
# mkrun OUT RUN_ID PREFIX ROWS: a committed run of ROWS released rows.
mkrun() {
	"$PYTHON3" - "$@" <<'PY'
import os, sys
out, run_id, pfx, rows = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
d = os.path.join(out, run_id)
os.makedirs(d, 0o700)
with open(os.path.join(d, "decisions.csv"), "w") as f:
    f.write("request_id,line,customer_id,reseller_id,requested_by,outcome,codes,message\n")
    f.writelines("%sr-%05d,%d,%s-%05d,org-h,ops,released,,\n"
                 % (pfx, i, i + 2, pfx, i) for i in range(rows))
PY
}
O=$TMP/merge
mkrun "$O" 20201201T000000Z-00000001 a 1500
cr run --export samples/export --manifest samples/manifest.csv \
    --out "$O" --now 2026-12-01T02:00:00Z --token-key "$KEY" --quiet
expect_rc 1 "merge: night 1 on a history of 1,500 releases"
"$PYTHON3" - "$O/$IDX" <<'PY'
import glob, sys
p = glob.glob(sys.argv[1] + "/*.idx")[0]
b = open(p, "rb").read()
open(p, "wb").write(b.replace(b"Ca-00010\tar-00010", b"Ca-00010 ar-00010"))
PY
mkrun "$O" 20261201T030000Z-00000002 b 1600
printf 'request_id,reseller_id,customer_id,requested_by\nn2-0001,org-acme,c-9999,ops\n' > "$TMP/m2.csv"
cr run --export samples/export --manifest "$TMP/m2.csv" --out "$O" \
    --now 2026-12-02T02:00:00Z --token-key "$KEY" --quiet
expect_rc 1 "merge: night 2 merges the damaged segment"
printf 'request_id,reseller_id,customer_id,import_to,requested_by\nn3-0001,org-acme,c-1001,zoe.martin,ops\nrq-2026-0002,org-acme,c-1008,,ops\n' > "$TMP/m3.csv"
cr plan --export samples/export --manifest "$TMP/m3.csv" --out "$O"
grep -q 'c-1001 .*S_ALREADY_RELEASED' "$TMP/out" && grep -q 'E_DUPLICATE_REQUEST' "$TMP/out"
ok $? "after the merge: c-1001 already released, rq-2026-0002 already applied"
n=$(cat "$O/$IDX"/*.idx | grep -c '^[RC]')
want=$(( 2 * $(cat "$O"/2*/decisions.csv | grep -c ',released,') ))
bad=$(cat "$O/$IDX"/*.idx | grep -c '^[RC][^	]*$')
[ "$n" -eq "$want" ] && [ "$bad" -eq 0 ]
ok $? "the index holds every release, both ways, and no damaged line ($n entries, $want wanted, $bad damaged)"

# A damaged segment that a binary search reads (large enough not to be
# read whole): found out, the decisions stay those of the runs.
for how in unsorted garbage; do
	O=$TMP/hd-$how
	cp -R "$TMP/h" "$O"
	rm -rf "$O"/20261202*
	damage "$O" $how
	cr run --export samples/export --manifest samples/manifest.csv \
	    --out "$O" --now 2026-12-02T02:00:00Z --token-key "$KEY" --quiet
	expect_rc 1 "long history, $how index: run committed"
	same_decisions "$TMP/h" "$O"
	ok $? "long history, $how index: decisions byte-identical"
done

done_testing
