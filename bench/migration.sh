#!/bin/sh
# bench/migration.sh -- the migration case (`make bench-migration`): one
# manifest that releases every customer of the export, as when a reseller
# closes.  In one run it measures, with the same export:
#
#   plan with 10,000 requests (1 in 10 below 100,000 customers)
#   plan with every customer
#   run with every customer, then verify on the bundle that run wrote
#   the floor: bench/floor.c re-creating the run's files, sizes only
#
# and prints wall time, CPU time and peak RSS of each, then the targets of
# docs/performance.md ("Migrations") against what it measured.  It checks
# as it goes, so that a small size is a smoke test: plan and run must
# decide every request, run must release or skip all but the rejected
# ones plan names, and verify must accept the bundle (exit 0).
#
#	bench/migration.sh BUILDDIR SRCDIR [CUSTOMERS]	(default 1000000)
#
# Environment: BENCH_CACHE (default BUILDDIR/bench-cache), BENCH_SEED (1),
# BENCH_KEEP=1 (keep the run's output, e.g. for bench/emails-layout.sh),
# CC (cc), PYTHON3 (python3).  Exit 0 when every check held, 1 otherwise,
# 2 on usage or a missing tool.  A million customers need about 1.1 GB for
# the export, 12 GB for the run's output and its floor, and minutes.
set -eu

usage() {
	echo "usage: bench/migration.sh BUILDDIR SRCDIR [CUSTOMERS]" >&2
	exit 2
}
[ $# -ge 2 ] && [ $# -le 3 ] || usage
BUILD=$(cd "$1" && pwd) || usage
SRC=$(cd "$2" && pwd) || usage
N=${3:-1000000}
case $N in '' | *[!0-9]*) usage ;; esac
[ "$N" -ge 10 ] || usage
SEED=${BENCH_SEED:-1}
if [ "$N" -ge 100000 ]; then SMALLM=10000; else SMALLM=$((N / 10)); fi
CACHE=${BENCH_CACHE:-$BUILD/bench-cache}
CC=${CC:-cc}
PYTHON3=${PYTHON3:-python3}
CR=$BUILD/src/custrelease
NOW=2026-12-01T02:00:00Z

die() {
	echo "bench-migration: $*" >&2
	exit 2
}
[ -x "$CR" ] || die "$CR: not built (run make first)"
command -v "$PYTHON3" >/dev/null || die "no $PYTHON3"
command -v "$CC" >/dev/null || die "no C compiler $CC"
[ -x /usr/bin/time ] || die "no /usr/bin/time (Debian: apt-get install time)"

mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
GEN=$SRC/tools/gen-export
GENSUM=$(sha256sum "$GEN" | cut -c1-12)
DATA=$CACHE/migration-n$N-s$SEED-$GENSUM
if [ ! -f "$DATA/.complete" ]; then
	rm -rf "$DATA" "$DATA.tmp"
	echo "bench-migration: generating $N customers, $N requests ..." >&2
	"$PYTHON3" "$GEN" --customers "$N" --seed "$SEED" --requests "$N" \
	    --out "$DATA.tmp" >&2
	# the small manifest: the first requests of the large one
	head -n $((SMALLM + 1)) "$DATA.tmp/manifest.csv" \
	    >"$DATA.tmp/manifest-small.csv"
	: >"$DATA.tmp/.complete"
	mv "$DATA.tmp" "$DATA"
fi
EXPORT=$DATA/export
M=$(($(wc -l <"$DATA/manifest.csv") - 1))

WORK=$CACHE/migration-work
rm -rf "$WORK"
mkdir -p "$WORK"
"$CC" -O2 -o "$WORK/floor" "$SRC/bench/floor.c" ||
	die "cannot build bench/floor.c"

RESULTS=$WORK/results.tsv
: >"$RESULTS"
FAILED=0
CHECKS=
check_fail() {
	CHECKS="$CHECKS
  FAILED: $*"
	FAILED=1
}

# measure KEY "LABEL" OKCODES CMD...: run CMD once under /usr/bin/time,
# its stdout into $WORK/out.KEY; record "wall user sys maxrss_kb".
measure() {
	_key=$1 _label=$2 _ok=$3
	shift 3
	_rc=0
	/usr/bin/time -f '%e %U %S %M' -o "$WORK/time.$_key" "$@" \
	    >"$WORK/out.$_key" 2>"$WORK/err.$_key" || _rc=$?
	_fail=
	case " $_ok " in
	*" $_rc "*) ;;
	*)
		echo "bench-migration: $_label failed (exit $_rc):" >&2
		tail -n 5 "$WORK/err.$_key" >&2
		check_fail "$_label exited $_rc"
		_fail=" FAILED"
		;;
	esac
	# the last line: /usr/bin/time adds "Command exited ..." first
	printf '%s\t%s\t%s%s\n' "$_key" "$_label" \
	    "$(tail -n 1 "$WORK/time.$_key")" "$_fail" >>"$RESULTS"
	echo "bench-migration: $_label: $(tail -n 1 "$WORK/time.$_key")" >&2
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
cat "$EXPORT"/*.csv "$DATA"/manifest*.csv >/dev/null	# page cache
measure plansmall "plan, $SMALLM requests" "0 1" \
    "$CR" plan --export "$EXPORT" --manifest "$DATA/manifest-small.csv"
measure planall "plan, $M requests" "0 1" \
    "$CR" plan --export "$EXPORT" --manifest "$DATA/manifest.csv"
# what writing plan's output alone costs
measure planwrite "writing plan's output (cp)" 0 \
    cp "$WORK/out.planall" "$WORK/planall.copy"
measure runall "run, $M requests" "0 1" \
    "$CR" run --export "$EXPORT" --manifest "$DATA/manifest.csv" \
    --out "$WORK/out" --now "$NOW" --token-key "$SRC/samples/token.key" \
    --templates "$SRC/templates" --quiet
RUNDIR=$(ls -d "$WORK"/out/2*/ 2>/dev/null | head -n 1)
RUNDIR=${RUNDIR%/}
if [ -n "$RUNDIR" ]; then
	measure verify "verify, the bundle of that run" 0 \
	    "$CR" verify "$RUNDIR"/audit-*.tar.gz
	measure floor "floor: the run's files (bench/floor.c)" 0 \
	    "$WORK/floor" "$RUNDIR" "$WORK/floor-out"
else
	check_fail "run committed no run"
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')

# --- checks -------------------------------------------------------------------
if [ -n "$RUNDIR" ]; then
	NDEC=$(($(wc -l <"$RUNDIR/decisions.csv") - 1))
	[ "$NDEC" -eq "$M" ] ||
	    check_fail "decisions.csv has $NDEC rows for $M requests"
	NREL=$(grep -c ',released,' "$RUNDIR/decisions.csv" || true)
	NMAIL=$(ls "$RUNDIR/emails" | wc -l)
	[ "$NREL" -eq "$NMAIL" ] ||
	    check_fail "$NREL released, $NMAIL claim emails"
	[ "$NREL" -gt $((M / 2)) ] ||
	    check_fail "only $NREL of $M requests released"
fi
PLANROWS=$(grep -c '' "$WORK/out.planall" 2>/dev/null || echo 0)
[ "$PLANROWS" -ge "$M" ] ||
    check_fail "plan printed $PLANROWS lines for $M requests"

# --- the table ----------------------------------------------------------------
echo
echo "custrelease migration benchmark: $N customers, $M requests (every" \
    "customer), seed $SEED"
echo "  $("$CR" --version), $(nproc) CPUs, $(uname -sr)," \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "  load average before $LOAD_BEFORE, after $LOAD_AFTER"
echo
awk -F '\t' '
{ label[$1] = $2; t[$1] = $3; keys[++n] = $1
  split($3, v, " "); wall[$1] = v[1]; rss[$1] = v[4] }
END {
	printf "%-42s %8s %8s %9s\n", "", "wall s", "CPU s", "RSS MB"
	for (i = 1; i <= n; i++) {
		k = keys[i]
		split(t[k], v, " ")
		printf "%-42s %8.2f %8.2f %9.1f %s\n", label[k], v[1],
		    v[2] + v[3], v[4] / 1024, v[5]
	}
	print ""
	print "targets (docs/performance.md, Migrations; measured in this run):"
	if ("planall" in wall && "plansmall" in wall) {
		lim = 2 * wall["plansmall"] + wall["planwrite"]
		printf "  plan, every customer / (2 x plan, small + writing) %6.2f   target <= 1\n",
		    (lim > 0 ? wall["planall"] / lim : 0)
	}
	if ("runall" in wall && "floor" in wall && wall["floor"] > 0)
		printf "  run / floor                                        %6.2f   target <= 1.2\n",
		    wall["runall"] / wall["floor"]
	split("planall runall verify", ks, " ")
	for (i = 1; i <= 3; i++)
		if (ks[i] in rss)
			printf "  peak RSS, %-40s %6.1f MB target <= 256\n",
			    label[ks[i]], rss[ks[i]] / 1024
}' "$RESULTS"
cat "$WORK/out.floor" 2>/dev/null | sed 's/^/  /'
if [ "$FAILED" -eq 0 ]; then
	echo "checks: every request decided, one claim email per release," \
	    "the bundle verifies"
else
	echo "checks:$CHECKS"
fi
rm -rf "$WORK/floor-out" "$WORK/planall.copy"
if [ "${BENCH_KEEP:-0}" = 1 ]; then
	echo "the run's output is kept: $WORK/out"
else
	rm -rf "$WORK/out"
fi
exit "$FAILED"
