#!/bin/sh
# diskfull.sh -- a full disk at every write of a run (each write call of a
# run of the samples fails once with ENOSPC, through tests/inject): the run
# exits 74, commits nothing, and every diagnostic names its file by its
# path under OUT (a record, an email, a spool, a report or tag file being
# written into the bundle's spool, the bundle), never a bare file name
# that an operator could not find.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

NOW=2026-12-01T02:00:00Z
KEY=$TMP/token.key
cp samples/token.key "$KEY" && chmod 600 "$KEY"
: "${CC:=cc}"
build_shim
ok $? "the fault-injection shim builds"
[ "$(head -c 4 "$CUSTRELEASE" | od -An -c | tr -d ' ')" = '177ELF' ]
ok $? "custrelease is an ELF binary the shim can wrap"

# run OUT [N]: a run of the samples, its Nth write failing with ENOSPC.
run() {
	rc=0
	LD_PRELOAD=$SHIM CR_INJECT_ONLY=write CR_INJECT_AT=${2:-0} \
	    CR_INJECT_ERRNO=ENOSPC CR_INJECT_NOSYNC=1 \
	    CR_INJECT_COUNT="$TMP/count" CR_INJECT_PROG=custrelease \
	    "$CUSTRELEASE" run --export samples/export \
	    --manifest samples/manifest.csv --out "$1" --now $NOW \
	    --token-key "$KEY" --quiet >"$TMP/out" 2>"$TMP/err" || rc=$?
}

run "$TMP/clean"
expect_rc 1 "a clean run under the shim commits"
n=$(cat "$TMP/count")
[ "$n" -gt 20 ]
ok $? "it makes $n counted writes"

bad=0 failed=0 named=0
i=1
while [ $i -le "$n" ]; do
	o=$TMP/o$i
	run "$o" $i
	if [ $rc -ne 74 ]; then
		echo "# write $i: exit $rc, want 74"
		bad=$((bad + 1))
	elif [ -n "$(ls -A "$o" 2>/dev/null | grep -v '^\.lock$')" ]; then
		echo "# write $i: OUT holds $(ls -A "$o" | tr '\n' ' ')"
		bad=$((bad + 1))
	fi
	[ $rc -ne 0 ] && [ $rc -ne 1 ] && failed=$((failed + 1))
	# every "custrelease: FILE:LINE: ..." line names a path under OUT
	while IFS= read -r line; do
		case $line in
		"custrelease: $o/"*) named=$((named + 1)) ;;
		*) echo "# write $i: $line"; bad=$((bad + 1)) ;;
		esac
	done <"$TMP/err"
	rm -rf "$o"
	i=$((i + 1))
done
[ "$failed" -eq "$n" ]
ok $? "each of the $n failed writes fails its run ($failed)"
[ "$bad" -eq 0 ] && [ "$named" -ge "$n" ]
ok $? "exit 74, nothing committed, every message names a path under OUT ($named)"

done_testing
