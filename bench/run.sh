#!/bin/sh
# bench/run.sh -- the benchmark (`make bench`): generates a large
# export once (cached), then in one run measures custrelease run on its CSV
# folder, its zip and its XML form against a bare libcsv pass, a bare
# xmlTextReader pass, a Python csv join, a sqlite3-shell join and cat, and
# prints the table with the ratios, then custrelease's peak RSS on an export
# ten times smaller with the same manifest (memory must not grow with the
# export).  docs/performance.md explains the numbers.
#
#	bench/run.sh BUILDDIR SRCDIR [CUSTOMERS]	(default 1000000)
#
# Environment: BENCH_CACHE (default BUILDDIR/bench-cache), BENCH_SEED (1),
# BENCH_REQUESTS (10000; N/10 below 100,000 customers), BENCH_REPEAT (1:
# the best wall time of that many runs per contender), CC (cc), PYTHON3
# (python3), SQLITE3 (sqlite3).
#
# It checks as it goes, so that a small size is a smoke test: every
# contender must succeed, custrelease must write the same records
# (decisions, ownership, customers, shares, contact_updates) for the three
# forms, and the Python and sqlite joins must give the same rows.  Exit 0 when all held, 1 otherwise, 2 on usage or a
# missing tool.  It does not tune the machine (caches, CPU frequency): run
# it on an idle machine; the load average is printed with the table.  It
# deletes earlier outputs only once it has measured (see $TRASH below), and
# a second bench started within minutes of the first's end can find ext4
# slower at creating the claim emails for it.
set -eu

usage() {
	echo "usage: bench/run.sh BUILDDIR SRCDIR [CUSTOMERS]" >&2
	exit 2
}
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	usage
fi
BUILD=$(cd "$1" && pwd) || usage
SRC=$(cd "$2" && pwd) || usage
N=${3:-1000000}
case $N in '' | *[!0-9]*) usage ;; esac
SEED=${BENCH_SEED:-1}
# 10,000 requests; 1 customer in 10 below 100,000 customers (smoke runs)
if [ "$N" -ge 100000 ]; then
	M=${BENCH_REQUESTS:-10000}
else
	M=${BENCH_REQUESTS:-$((N / 10 > 0 ? N / 10 : 1))}
fi
REPEAT=${BENCH_REPEAT:-1}
CACHE=${BENCH_CACHE:-$BUILD/bench-cache}
CC=${CC:-cc}
PYTHON3=${PYTHON3:-python3}
SQLITE3=${SQLITE3:-sqlite3}
CR=$BUILD/src/custrelease
NOW=2026-12-01T02:00:00Z

die() {
	echo "bench: $*" >&2
	exit 2
}
[ -x "$CR" ] || die "$CR: not built (run make first)"
command -v "$PYTHON3" >/dev/null || die "no $PYTHON3"
command -v "$SQLITE3" >/dev/null ||
	die "no $SQLITE3 (Debian: apt-get install sqlite3)"
command -v "$CC" >/dev/null || die "no C compiler $CC"
pkg-config --exists libxml-2.0 || die "no libxml2 (libxml2-dev)"
if [ -x /usr/bin/time ]; then
	TIMER=gnu
else
	TIMER=python	# Debian package "time" is missing: resource module
fi

mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
GEN=$SRC/tools/gen-export
GENSUM=$(sha256sum "$GEN" | cut -c1-12)

# --- data, generated once per (size, seed, requests, generator) -------------
# gen DIR N FLAGS: generate into DIR unless it is complete already.
gen() {
	if [ ! -f "$1/.complete" ]; then
		rm -rf "$1" "$1.tmp"
		echo "bench: generating $2 customers into $1 ..." >&2
		# shellcheck disable=SC2086
		"$PYTHON3" "$GEN" --customers "$2" --seed "$SEED" \
		    --requests "$M" --out "$1.tmp" $3 >&2
		: >"$1.tmp/.complete"
		mv "$1.tmp" "$1"
	fi
}
DATA=$CACHE/n$N-s$SEED-m$M-$GENSUM
SMALLN=$((N / 10))
SMALL=$CACHE/n$SMALLN-s$SEED-m$M-$GENSUM
gen "$DATA" "$N" "--xml --zip"
gen "$SMALL" "$SMALLN" ""

# Outputs of earlier runs are moved aside into $TRASH and deleted only
# when the measurements are over: on ext4, creating thousands of files
# (the claim emails) within a few minutes of deleting thousands costs
# several times more kernel time (the inode allocator passes over recently
# deleted inodes), which would measure the harness, not custrelease.
WORK=$CACHE/work
TRASH=$CACHE/trash
mkdir -p "$TRASH"
[ ! -d "$WORK" ] || mv "$WORK" "$TRASH/work.$$"
mkdir -p "$WORK"
# aside DIR: move DIR (an earlier output) into the trash, if it exists.
aside() {
	[ ! -e "$1" ] || mv "$1" "$TRASH/${1##*/}.$$.$(date +%s%N)"
}

# --- the two C baselines -------------------------------------------------------
"$CC" -O2 -o "$WORK/libcsv-pass" "$SRC/bench/libcsv-pass.c" -lcsv ||
	die "cannot build bench/libcsv-pass.c (libcsv-dev)"
# shellcheck disable=SC2046
"$CC" -O2 $(pkg-config --cflags libxml-2.0) -o "$WORK/xml-pass" \
    "$SRC/bench/xml-pass.c" $(pkg-config --libs libxml-2.0) ||
	die "cannot build bench/xml-pass.c"

CSVS="$DATA/export/organizations.csv $DATA/export/customers.csv
$DATA/export/products.csv $DATA/export/domain_contacts.csv
$DATA/export/shares.csv $DATA/export/accounts.csv"
# shellcheck disable=SC2086
CSVBYTES=$(cat $CSVS | wc -c)
XMLBYTES=$(wc -c <"$DATA/export.xml")
ZIPBYTES=$(wc -c <"$DATA/export.zip")

# --- measuring -------------------------------------------------------------------
RESULTS=$WORK/results.tsv
: >"$RESULTS"
FAILED=0

# timed OUTFILE CMD...: run CMD, write "wall user sys maxrss_kb" to OUTFILE.
timed() {
	_o=$1
	shift
	if [ $TIMER = gnu ]; then
		/usr/bin/time -f '%e %U %S %M' -o "$_o" "$@"
	else
		"$PYTHON3" -c '
import resource, subprocess, sys, time
t = time.time()
rc = subprocess.call(sys.argv[2:])
r = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    f.write("%.2f %.2f %.2f %d\n" % (time.time() - t, r.ru_utime,
                                     r.ru_stime, r.ru_maxrss))
sys.exit(rc)' "$_o" "$@"
	fi
}

# measure KEY "LABEL" BASE OKCODES CMD...: run CMD BENCH_REPEAT times (each
# after eval'ing $PREP, if set), keep the best wall time; BASE is the
# baseline key the ratio is taken against; OKCODES the exit codes that count
# as success.
measure() {
	_key=$1 _label=$2 _base=$3 _ok=$4
	shift 4
	_best=
	_i=0
	while [ $_i -lt "$REPEAT" ]; do
		_i=$((_i + 1))
		[ -z "${PREP:-}" ] || eval "$PREP"
		_rc=0
		timed "$WORK/time.$_key" "$@" >"$WORK/log.$_key" 2>&1 || _rc=$?
		case " $_ok " in
		*" $_rc "*) ;;
		*)
			echo "bench: $_label failed (exit $_rc):" >&2
			tail -n 5 "$WORK/log.$_key" >&2
			FAILED=1
			printf '%s\t%s\t%s\tFAILED\n' "$_key" "$_label" \
			    "$_base" >>"$RESULTS"
			return 0
			;;
		esac
		# the last line: /usr/bin/time may add "Command exited" first
		_t=$(tail -n 1 "$WORK/time.$_key")
		if [ -z "$_best" ] || awk -v a="${_t%% *}" -v b="${_best%% *}" \
		    'BEGIN { exit !(a < b) }'; then
			_best=$_t
		fi
	done
	printf '%s\t%s\t%s\t%s\n' "$_key" "$_label" "$_base" "$_best" \
	    >>"$RESULTS"
	echo "bench: $_label: $_best" >&2
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')

# cat first, once unmeasured: every contender then reads from the page cache.
# shellcheck disable=SC2086
cat $CSVS "$DATA/export.xml" "$DATA/export.zip" >/dev/null
# shellcheck disable=SC2086
measure cat "cat > /dev/null" libcsv 0 sh -c 'cat "$@" >/dev/null' cat $CSVS
# shellcheck disable=SC2086
measure libcsv "libcsv pass (bench/libcsv-pass.c)" libcsv 0 \
    "$WORK/libcsv-pass" $CSVS
measure xmlpass "xmlTextReader pass (bench/xml-pass.c)" xmlpass 0 \
    "$WORK/xml-pass" "$DATA/export.xml"
for form in csv zst zip xml; do
	fmt=tar.gz
	case $form in
	csv) exp=$DATA/export base=libcsv label="custrelease run, CSV folder" ;;
	zst) exp=$DATA/export base=libcsv fmt=tar.zst
	     label="custrelease run, CSV, tar.zst bundle" ;;
	zip) exp=$DATA/export.zip base=libcsv label="custrelease run, zip" ;;
	xml) exp=$DATA/export.xml base=xmlpass label="custrelease run, XML form" ;;
	esac
	PREP="aside '$WORK/out-$form'"
	measure "cr$form" "$label" "$base" "0 1" \
	    "$CR" run --export "$exp" --manifest "$DATA/manifest.csv" \
	    --out "$WORK/out-$form" --now "$NOW" \
	    --token-key "$SRC/samples/token.key" \
	    --templates "$SRC/templates" --bundle-format "$fmt" --quiet
	PREP=
done
measure python "Python csv join (bench/join.py)" libcsv 0 \
    "$PYTHON3" "$SRC/bench/join.py" "$DATA/export" "$DATA/manifest.csv" \
    "$WORK/join-python.csv"
# sqlite3 reads export/*.csv and manifest.csv relative to its directory
mkdir -p "$WORK/sqlite"
ln -s "$DATA/export" "$WORK/sqlite/export"
ln -s "$DATA/manifest.csv" "$WORK/sqlite/manifest.csv"
PREP="rm -f '$WORK/sqlite/join.db' '$WORK/sqlite/join-sqlite.csv'"
measure sqlite "sqlite3 import + join (bench/join.sql)" libcsv 0 \
    sh -c 'cd "$1" && "$2" -batch join.db <"$3"' sh "$WORK/sqlite" \
    "$SQLITE3" "$SRC/bench/join.sql"
PREP=
rm -f "$WORK/sqlite/join.db"
PREP="aside '$WORK/out-small'"
measure crsmall "custrelease run, CSV, $SMALLN customers" libcsv "0 1" \
    "$CR" run --export "$SMALL/export" --manifest "$SMALL/manifest.csv" \
    --out "$WORK/out-small" --now "$NOW" \
    --token-key "$SRC/samples/token.key" --templates "$SRC/templates" \
    --quiet
PREP=

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
rm -rf "$TRASH"

# --- checks -------------------------------------------------------------------------
CHECKS=
check_fail() {
	CHECKS="$CHECKS
  FAILED: $*"
	FAILED=1
}
for f in decisions.csv ownership.csv customers.csv shares.csv \
    contact_updates.csv; do
	a=$(ls -d "$WORK"/out-csv/2*/ 2>/dev/null | head -n 1)
	for form in zst zip xml; do
		b=$(ls -d "$WORK/out-$form"/2*/ 2>/dev/null | head -n 1)
		if [ -z "$a" ] || [ -z "$b" ] ||
		    ! cmp -s "$a$f" "$b$f"; then
			check_fail "$f of the $form form differs from the CSV form's"
		fi
	done
done
if ! "$PYTHON3" -c '
import csv, sys
a, b = (list(csv.reader(open(p, newline="", encoding="utf-8")))
        for p in sys.argv[1:])
sys.exit(a != b)' "$WORK/join-python.csv" \
    "$WORK/sqlite/join-sqlite.csv" 2>/dev/null; then
	check_fail "join.py and join.sql disagree"
fi
OWN=$(ls "$WORK"/out-csv/2*/ownership.csv 2>/dev/null | head -n 1)
OWNROWS=$([ -n "$OWN" ] && awk 'END { print NR - 1 }' "$OWN" || echo '?')
JOINROWS=$(awk 'END { print NR - 1 }' "$WORK/join-python.csv" 2>/dev/null ||
	echo '?')

# --- the table ----------------------------------------------------------------------
echo
echo "custrelease benchmark: $N customers, $M requests, seed $SEED"
echo "  $("$CR" --version), $(nproc) CPUs, $(uname -sr), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "  CSV $(awk -v b="$CSVBYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB," \
    "XML $(awk -v b="$XMLBYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB," \
    "zip $(awk -v b="$ZIPBYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB;" \
    "load average before $LOAD_BEFORE, after $LOAD_AFTER"
echo "  best of $REPEAT; MB/s = CSV bytes of the export / wall time (the" \
    "same data in every form)"
echo
awk -F '\t' -v csvb="$CSVBYTES" '
function row(k) {
	if (!(k in label)) return
	if (t[k] == "FAILED") {
		printf "%-42s %s\n", label[k], "FAILED"
		return
	}
	split(t[k], v, " ")
	b = base[k]
	ratio = (b in wall && wall[b] > 0) ? sprintf("%.2f", v[1] / wall[b]) : "-"
	mbs = v[1] > 0 ? csvb / 1e6 / v[1] : 0
	note = b == "xmlpass" ? "(vs xml pass)" : ""
	printf "%-42s %8.2f %8.2f %9.1f %9.1f %8s %s\n", label[k], v[1],
	    v[2] + v[3], v[4] / 1024, mbs, ratio, note
}
{ label[$1] = $2; base[$1] = $3; t[$1] = $4
  if ($4 != "FAILED") { split($4, v, " "); wall[$1] = v[1] } }
END {
	printf "%-42s %8s %8s %9s %9s %8s\n", "contender", "wall s", "CPU s",
	    "RSS MB", "MB/s", "ratio"
	n = split("crcsv crzst crzip crxml libcsv xmlpass python sqlite cat", ks, " ")
	for (i = 1; i <= n; i++) row(ks[i])
	print ""
	print "ratio = wall time / wall time of the libcsv pass (XML form: of the xmlTextReader pass)"
	if ("crcsv" in wall && wall["crcsv"] > 0) {
		print ""
		print "targets (docs/performance.md; measured in this run):"
		printf "  run (CSV) / libcsv pass           %6.2f   target <= 1\n",
		    wall["crcsv"] / wall["libcsv"]
		if ("python" in wall)
			printf "  Python join / run (CSV)           %6.2f   target >= 10 (stretch 20)\n",
			    wall["python"] / wall["crcsv"]
		if ("python" in wall && "crzst" in wall && wall["crzst"] > 0)
			printf "  Python join / run (CSV, tar.zst)  %6.2f   target >= 10 (stretch 20)\n",
			    wall["python"] / wall["crzst"]
		if ("sqlite" in wall)
			printf "  sqlite join / run (CSV)           %6.2f   target >= 10 (stretch 20)\n",
			    wall["sqlite"] / wall["crcsv"]
		if ("crxml" in wall && "xmlpass" in wall)
			printf "  run (XML) / xmlTextReader pass    %6.2f   target <= 1.5\n",
			    wall["crxml"] / wall["xmlpass"]
		split(t["crcsv"], v, " ")
		printf "  peak RSS of run (CSV)             %6.1f MB target <= 48\n",
		    v[4] / 1024
	}
}' "$RESULTS"
echo
echo "memory: peak RSS of custrelease run (CSV folder, same $M-request manifest):"
awk -F '\t' -v small="$SMALLN" -v big="$N" '
$1 == "crsmall" || $1 == "crcsv" {
	if ($4 == "FAILED") { r[$1] = "FAILED"; next }
	split($4, v, " "); r[$1] = sprintf("%.1f MB", v[4] / 1024); kb[$1] = v[4]
}
END {
	printf "  %9d customers: %s\n  %9d customers: %s\n", small, r["crsmall"],
	    big, r["crcsv"]
	if (kb["crsmall"] > 0 && kb["crcsv"] > 0)
		printf "  growth: %.1f MB for %d more customers\n",
		    (kb["crcsv"] - kb["crsmall"]) / 1024, big - small
}' "$RESULTS"
echo
echo "rows: custrelease ownership.csv $OWNROWS (it also rejects on contact" \
    "rules), join.py/join.sql $JOINROWS"
if [ -n "$CHECKS" ]; then
	echo "checks:$CHECKS"
else
	echo "checks: the three forms give identical records; join.py and" \
	    "join.sql agree"
fi
echo "logs and outputs: $WORK"
exit $FAILED
