#!/bin/sh
# run-parts.sh -- run under a memory budget (--memory MB): a manifest
# whose model passes the budget is decided and written in parts, and the
# committed run is byte for byte the run of the whole manifest (records,
# summary, claim emails, the audit bundle), with the same exit status;
# its bundle verifies; a whole run's sorts are capped by --memory too.
# The model's budget is lowered
# (CUSTRELEASE_MODEL_MEM, a testing aid, in bytes) so that the samples
# take the path of a million requests: CSV and XML, a second night on
# the same OUT, a rerun of a committed run.  Then a spill that cannot be
# written (exit 74, no run, nothing left in OUT), and a generated export
# of 20,000 customers with --memory 8 against the whole run.  Under
# valgrind (tests/check-valgrind) the last two are left out.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1
case ${CUSTRELEASE##*/} in
valgrind-wrapper) NATIVE= ;;
*) NATIVE=1 ;;
esac

KEY=$SAMPLE_KEY
NIGHT1=2026-11-30T02:00:00Z
NIGHT2=2026-12-01T02:00:00Z

# the run's files but the history index (it records the decisions'
# mtime), as "sha256  path" lines
tree_sums() {
	(cd "$1" && find . -path ./.history-index -prune -o -type f -print |
	    LC_ALL=C sort | xargs sha256sum)
}

# pair NAME BYTES NOW ARGS...: run ARGS on OUT whole/ and on OUT parts/
# with a model budget of BYTES: the same exit status, the same files.
pair() {
	_name=$1 _bytes=$2 _now=$3
	shift 3
	_rcw=0 _rcp=0
	"$CUSTRELEASE" run "$@" --out "$TMP/whole" --now "$_now" \
	    --token-key "$KEY" >"$TMP/whole.out" 2>"$TMP/whole.err" || _rcw=$?
	CUSTRELEASE_MODEL_MEM=$_bytes "$CUSTRELEASE" run "$@" \
	    --out "$TMP/parts" --now "$_now" --token-key "$KEY" \
	    >"$TMP/parts.out" 2>"$TMP/parts.err" || _rcp=$?
	tree_sums "$TMP/whole" >"$TMP/whole.sums"
	tree_sums "$TMP/parts" >"$TMP/parts.sums"
	sed "s|$TMP/whole|OUT|" "$TMP/whole.out" >"$TMP/whole.o"
	sed "s|$TMP/parts|OUT|" "$TMP/parts.out" >"$TMP/parts.o"
	[ "$_rcw" = "$_rcp" ] && [ -s "$TMP/whole.sums" ] &&
	    cmp -s "$TMP/whole.sums" "$TMP/parts.sums" &&
	    cmp -s "$TMP/whole.o" "$TMP/parts.o"
	ok $? "$_name, budget $_bytes: the same run, byte for byte (exit $_rcw)"
	if ! cmp -s "$TMP/whole.sums" "$TMP/parts.sums"; then
		diff "$TMP/whole.sums" "$TMP/parts.sums" | sed 's/^/# /' |
		    head -10
	fi
	[ -n "${NOPARTS:-}" ] && return
	grep -Eq '^custrelease: run: over the memory budget: decided in ([2-9]|[1-9][0-9]+) parts$' \
	    "$TMP/parts.err" && ! grep -q parts "$TMP/whole.err"
	ok $? "$_name: decided in parts, the whole run not"
}

pair "night 1, CSV" 60000 $NIGHT1 --export samples/export \
    --manifest samples/manifest.csv
pair "night 2, XML export, history" 256 $NIGHT2 \
    --export samples/export.xml --manifest samples/manifest-rerun.csv
B=$(ls "$TMP"/parts/2*/audit-*.tar.gz | head -n 1)
cr verify --chain "$TMP/parts"
expect_rc 0 "verify --chain: the nights written in parts"
cr verify --export samples/export --token-key "$KEY" "$B"
expect_rc 0 "verify --export: the parts' run replays to the same bytes"
NOPARTS=1 pair "a rerun of night 1" 256 $NIGHT1 --export samples/export \
    --manifest samples/manifest.csv
[ "$(out_ls "$TMP/parts" | wc -l)" -eq 2 ] &&
    grep -q 'already committed with the same inputs' "$TMP/parts.out"
ok $? "the rerun in parts: nothing to do, as whole"
rm -rf "$TMP/whole" "$TMP/parts"
pair "XML manifest" 256 $NIGHT1 --export samples/export \
    --manifest samples/manifest.xml
rm -rf "$TMP/whole" "$TMP/parts"

# A spill that cannot be written (a full disk): exit 74, no run
# committed, nothing left in OUT but the history index.
if [ -z "$NATIVE" ]; then
	echo "# under valgrind: no full disk"
elif inject_shim; then
	for at in 1 5 20; do
		rc=0
		LD_PRELOAD=$SHIM CR_INJECT_ONLY=write CR_INJECT_AT=$at \
		    CR_INJECT_ERRNO=ENOSPC CR_INJECT_NOSYNC=1 \
		    CR_INJECT_PROG=custrelease CUSTRELEASE_VERIFY_MEM=256 \
		    CUSTRELEASE_MODEL_MEM=256 "$CUSTRELEASE" run \
		    --export samples/export --manifest samples/manifest.csv \
		    --out "$TMP/full" --now $NIGHT1 --token-key "$KEY" \
		    >"$TMP/out.full" 2>"$TMP/err.full" || rc=$?
		[ $rc -eq 74 ] && grep -q "ENOSPC\|No space left" "$TMP/err.full"
		ok $? "write $at fails (a full disk): exit 74 (got $rc)"
		[ -z "$(out_ls "$TMP/full")" ]
		ok $? "write $at: no run and no .tmp- left in OUT"
	done
else
	skip "no fault-injection shim: a full disk"
fi

# A run that fits its budget caps its sorts by --memory too (1/64 of MB):
# with --memory 1, 78 requests are decided whole, yet the index of the
# reports spills into unnamed files in the run being built, which the
# default budget keeps in memory; the bundle is the same byte for byte.
# sorts_spilled LOG: the unnamed temporary files written in the run being
# built (not the bundle's named scratch files).
sorts_spilled() {
	grep ' (deleted)$' "$1" | sed 's/ (deleted)$//; s/^[0-9]* [a-z0-9_]* //' |
	    grep '/\.tmp-[^/]*/[^./][^/]*$' | sort -u | wc -l
}
if [ -z "$NATIVE" ]; then
	echo "# under valgrind: no shim for the sorts' spills"
elif [ -z "$PYTHON3" ]; then
	skip "no python3: the whole run's sorts"
elif inject_shim; then
	"$PYTHON3" tools/gen-export --customers 200 --requests 80 \
	    --out "$TMP/small" --quiet >/dev/null 2>&1
	ok $? "an export of 200 customers, a manifest of 80 requests"
	for mb in 1 256; do
		rc=0
		LD_PRELOAD=$SHIM CR_INJECT_ONLY=write CR_INJECT_NOSYNC=1 \
		    CR_INJECT_LOG="$TMP/sorts$mb.log" CR_INJECT_PROG=custrelease \
		    "$CUSTRELEASE" run --export "$TMP/small/export" \
		    --manifest "$TMP/small/manifest.csv" --memory $mb \
		    --out "$TMP/sorts$mb" --now $NIGHT1 --token-key "$KEY" \
		    >"$TMP/out.sorts" 2>"$TMP/err.sorts" || rc=$?
		[ $rc -eq 1 ] && ! grep -q "over the memory budget" "$TMP/err.sorts"
		ok $? "--memory $mb: decided whole, committed (exit $rc)"
	done
	n1=$(sorts_spilled "$TMP/sorts1.log")
	n256=$(sorts_spilled "$TMP/sorts256.log")
	[ "$n1" -gt "$n256" ]
	ok $? "--memory 1: the sorts spill ($n1 unnamed files, $n256 with 256)"
	cmp -s "$TMP"/sorts1/2*/audit-*.tar.gz "$TMP"/sorts256/2*/audit-*.tar.gz
	ok $? "--memory 1 and 256: the same bundle, byte for byte"
	rm -rf "$TMP/small" "$TMP/sorts1" "$TMP/sorts256"
else
	skip "no fault-injection shim: the whole run's sorts"
fi

# The migration smoke: 20,000 customers, each released, with --memory 8
# against the whole run; its bundle verifies; and the peak RSS of each
# at 10,000 and 20,000 requests.
if [ -z "$NATIVE" ]; then
	echo "# under valgrind: no generated export"
elif [ -n "$PYTHON3" ]; then
	"$PYTHON3" tools/gen-export --customers 20000 --requests 20000 \
	    --out "$TMP/gen" --quiet >/dev/null 2>&1
	ok $? "an export of 20,000 customers, a manifest of each"
	head -n 10001 "$TMP/gen/manifest.csv" >"$TMP/half.csv"
	# rss MANIFEST MB OUT: peak RSS in KiB of run (-1 if it fails)
	rss() {
		peak_rss "0 1" /dev/null "$CUSTRELEASE" run \
		    --export "$TMP/gen/export" --manifest "$1" --memory "$2" \
		    --out "$3" --now $NIGHT1 --token-key "$KEY" --quiet
	}
	W1=$(rss "$TMP/half.csv" 100000 "$TMP/w1")
	P1=$(rss "$TMP/half.csv" 8 "$TMP/p1")
	rm -rf "$TMP/w1" "$TMP/p1"
	W2=$(rss "$TMP/gen/manifest.csv" 100000 "$TMP/whole")
	P2=$(rss "$TMP/gen/manifest.csv" 8 "$TMP/parts")
	echo "# peak RSS KiB, 10,000 / 20,000 requests: whole $W1 / $W2," \
	    "--memory 8: $P1 / $P2"
	tree_sums "$TMP/whole" >"$TMP/whole.sums"
	tree_sums "$TMP/parts" >"$TMP/parts.sums"
	[ "$W2" -gt 0 ] && [ "$P2" -gt 0 ] &&
	    cmp -s "$TMP/whole.sums" "$TMP/parts.sums" &&
	    [ "$(grep -c '/emails/' "$TMP/parts.sums")" -gt 15000 ]
	ok $? "--memory 8: the whole run's files, byte for byte"
	[ "$W1" -gt 0 ] && [ "$P1" -gt 0 ] &&
	    [ $((P2 - P1)) -lt $(((W2 - W1) / 4)) ]
	ok $? "--memory 8: peak RSS grows by under a quarter of the whole's"
	cr verify "$TMP"/parts/2*/audit-*.tar.gz
	expect_rc 0 "verify: the bundle written in parts"
else
	skip "no python3: the generated export"
fi

done_testing
