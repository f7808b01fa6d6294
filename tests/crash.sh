#!/bin/sh
# crash.sh -- crash consistency (docs/format.md 5 "a run killed at any point
# leaves no committed trace"): a larger export (tests/gen-crash-export.py:
# 20,000 customers, 4 products each, 1,000 requests; fewer on a slow
# machine, see below) is run once without interruption into OUT-ref, its
# I/O calls logged by tests/inject/inject.c.  Then runs into fresh OUTs
# are SIGKILLed, each just before one of those calls (CR_INJECT_KILL=1:
# the process kills itself there), and rerun into the same OUT: before
# the first call, before calls spread evenly over the whole run, and
# before every call from just before the commit (the rename of .tmp-* to
# the run id) to the last one (the history index).  After each kill: OUT
# holds nothing, a .tmp-* (never read), or the complete committed run
# (byte for byte OUT-ref's), never a partial run directory.  After each
# rerun: exactly one committed run and nothing else in OUT, byte for byte
# OUT-ref's run (decisions, ownership, customers, every claim email once,
# the bundle).
#
# Then the same with history: OUT holds a committed run of another day,
# a second day's run is killed at spread points and around its commit, and
# rerun, and must equal the second day's uninterrupted run
# (S_ALREADY_APPLIED and friends decided as if the killed run had never
# started).
#
# A kill lands at a chosen call, not after a delay, so every kill is
# before the run's end whatever the machine's load.  Between two calls,
# what a process killed from outside leaves on disk is the same: files
# change only through those calls.  The runs use CR_INJECT_NOSYNC=1
# (fsync a no-op): a SIGKILL does not lose the page cache, so fsync plays
# no part in what a killed run leaves.
#
# Needs python3 (the generator) and a C compiler (the shim).
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

NOW=2026-12-01T02:00:00Z
NOW2=2026-12-02T02:00:00Z
KEY=$SAMPLE_KEY
KILLS=10
KILLS2=5

if [ -z "$PYTHON3" ]; then
	skip "crash consistency" "no python3"
	done_testing
fi
: "${CC:=cc}"
if ! command -v "$CC" > /dev/null 2>&1; then
	skip "crash consistency" "no C compiler ($CC)"
	done_testing
fi
if [ "$(head -c 4 "$CUSTRELEASE" | od -An -c | tr -d ' ')" != '177ELF' ]; then
	skip "crash consistency" "$CUSTRELEASE is not an ELF binary"
	done_testing
fi
build_shim
ok $? "build the shim (tests/inject/inject.c)"
PRE="env LD_PRELOAD=$SHIM CR_INJECT_NOSYNC=1 CR_INJECT_PROG=custrelease"

# now_ms: wall clock in milliseconds.
now_ms() {
	_t=$(date +%s%N 2>/dev/null)
	case $_t in
	*N|"") "$PYTHON3" -c 'import time; print(int(time.time() * 1000))' ;;
	*) echo $((_t / 1000000)) ;;
	esac
}

# gen CUSTOMERS REQUESTS: a fresh export in $G.
G=$TMP/gen
EXPORT=$G/export
MAN=$G/manifest.csv
gen() {
	rm -rf "$G"
	_t=$(now_ms)
	"$PYTHON3" tests/gen-crash-export.py "$G" "$1" "$2"
	ok $? "generate an export of $1 customers, $2 requests ($(( $(now_ms) - _t )) ms)"
}

# runfg OUT NOW [VAR=VALUE...]: a run, the shim's variables added; its
# status in $rc.
runfg() {
	_o=$1 _w=$2
	shift 2
	rc=0
	$PRE "$@" "$CUSTRELEASE" run --export "$EXPORT" --manifest "$MAN" \
	    --out "$_o" --now "$_w" --token-key "$KEY" --quiet \
	    >"$TMP/out" 2>"$TMP/err" || rc=$?
}

# calls OUT NOW LOG: a clean run, its counted calls logged in LOG; sets
# $N (how many) and $C (the number of the commit's rename).
calls() {
	rm -f "$3"
	runfg "$1" "$2" CR_INJECT_LOG="$3"
	N=$(wc -l < "$3" | tr -d ' ')
	C=$(grep -n ' renameat2\{0,1\} .*/\.tmp-[0-9]\{8\}T' "$3" |
	    tail -1 | cut -d: -f1)
}

# points N C K: the first call, K call numbers spread evenly over 1..N,
# then every one from C-3 to N (the commit and what follows it), one a
# line (sort -nu makes each once).
points() {
	echo 1
	_k=1
	while [ $_k -le "$3" ]; do
		echo $(( $1 * (2 * _k - 1) / (2 * $3) + 1 ))
		_k=$((_k + 1))
	done
	_k=$(( $2 > 3 ? $2 - 3 : 1 ))
	while [ $_k -le "$1" ]; do
		echo $_k
		_k=$((_k + 1))
	done
}

# runs OUT: the entries of OUT named like a run id, one a line.
runs() {
	ls -A "$1" 2>/dev/null |
	    grep -E '^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$' || true
}

# --- the uninterrupted run ---------------------------------------------------
# 20,000 customers and 1,000 requests, unless that run takes more than
# 1.5 s (a sanitizer build, a loaded machine): then 5,000 and 300, so that
# the hundred runs stay within a few minutes.  CRASH_CUSTOMERS and
# CRASH_REQUESTS choose.
reference() {
	gen "$1" "$2"
	rm -rf "$TMP/ref"
	_t=$(now_ms)
	calls "$TMP/ref" $NOW "$TMP/log"
	D=$(( $(now_ms) - _t ))
}
if [ -n "${CRASH_CUSTOMERS:-}${CRASH_REQUESTS:-}" ]; then
	reference "${CRASH_CUSTOMERS:-20000}" "${CRASH_REQUESTS:-1000}"
else
	reference 20000 1000
	if [ "$D" -gt 1500 ]; then
		echo "# $D ms: too slow here for a hundred runs; a smaller export"
		reference 5000 300
	fi
fi
expect_rc 1 "uninterrupted run ($D ms)"
[ -n "$C" ] && [ "$C" -lt "$N" ]
ok $? "it makes $N counted I/O calls, the commit's rename the ${C:-?}th"
RUNID=$(runs "$TMP/ref")
REF=$TMP/ref/$RUNID
NEMAILS=$(ls "$REF/emails" | wc -l)
[ "$NEMAILS" -ge 250 ]; ok $? "it writes $NEMAILS claim emails"
cr verify "$REF/audit-$RUNID.tar.gz"
expect_rc 0 "its bundle verifies"
# check_killed OUT REF_RUN_DIR RUNID [OLD_RUNID]: what a kill left in OUT
# is acceptable (nothing, a .tmp-RUNID-*, RUNID complete and equal to
# REF_RUN_DIR, and OLD_RUNID when given); prints why not, and sets $state.
check_killed() {
	state=""
	_bad=""
	for _e in $(ls -A "$1" 2>/dev/null); do
		case $_e in
		"$3")
			state="$state committed"
			diff -rq "$2" "$1/$_e" > "$TMP/diff" 2>&1 ||
			    _bad="$_bad partial-or-different:$_e"
			;;
		.tmp-"$3"-*)
			state="$state tmp"
			;;
		"${4:-/}"|.history-index)
			;;
		*)
			_bad="$_bad unexpected:$_e"
			;;
		esac
	done
	[ -d "$1" ] || state=" no OUT"
	[ -n "$state" ] || state=" nothing new"
	if [ -n "$_bad" ]; then
		echo "# left after the kill:$_bad"
		[ -s "$TMP/diff" ] && sed 's/^/# /' "$TMP/diff" | head -5
		return 1
	fi
	return 0
}

# check_rerun OUT REF_OUT: OUT holds exactly what REF_OUT holds, every run
# byte for byte (one committed run per day, nothing else).
check_rerun() {
	if [ "$(out_ls "$1")" != "$(out_ls "$2")" ]; then
		echo "# OUT holds $(out_ls "$1" | tr '\n' ' '), want $(out_ls "$2" | tr '\n' ' ')"
		return 1
	fi
	if ! diff -rq -x .history-index "$2" "$1" > "$TMP/diff" 2>&1; then
		sed 's/^/# /' "$TMP/diff" | head -5
		return 1
	fi
}

# killrun AT OUT NOW REF_OUT RUNID LOG [OLD_RUNID]: kill a run just before
# its call number AT (LOG says which it is), check, rerun, check.
killrun() {
	_call=$(sed -n "$1{s/^[0-9]* \([a-z0-9_]*\) .*/\1/p;q;}" "$6")
	runfg "$2" "$3" CR_INJECT_AT="$1" CR_INJECT_KILL=1
	check_killed "$2" "$4/$5" "$5" "${7:-}" > "$TMP/why"
	[ $? -eq 0 ] && [ "$rc" -eq 137 ]
	ok $? "kill before call $1 ($_call, exit $rc): OUT holds$state, never a partial run"
	cat "$TMP/why"
	case $state in *tmp*) intmp=$((intmp + 1)) ;; esac
	case $state in *committed*) committed=$((committed + 1)) ;; esac

	runfg "$2" "$3"
	check_rerun "$2" "$4" > "$TMP/why"
	[ $? -eq 0 ] && [ "$rc" -eq 1 ]
	ok $? "kill before call $1: the rerun gives the uninterrupted result (exit $rc)"
	cat "$TMP/why"
	rm -rf "$2"
}

# --- kills on a fresh OUT ---------------------------------------------------
intmp=0
committed=0
for at in $(points "$N" "$C" $KILLS | sort -nu); do
	killrun "$at" "$TMP/out-$at" $NOW "$TMP/ref" "$RUNID" "$TMP/log"
done
echo "# $intmp kills left a run being built (.tmp-*), $committed a committed run"
[ "$intmp" -gt 0 ] && [ "$committed" -gt 0 ]
ok $? "kills landed both before and after the commit"

# --- kills of a second day's run, with a committed run in OUT ---------------
runfg "$TMP/ref" $NOW2
expect_rc 1 "uninterrupted second day"
RUNID2=$(runs "$TMP/ref" | grep -v "^$RUNID\$")
[ "$(grep -c ',skipped,S_ALREADY_APPLIED,' "$TMP/ref/$RUNID2/decisions.csv")" -eq "$NEMAILS" ]
ok $? "second day: every released request is S_ALREADY_APPLIED"
[ "$(ls "$TMP/ref/$RUNID2/emails" | wc -l)" -eq 0 ]
ok $? "second day: no second claim email"
rm -rf "$TMP/probe"
mkdir "$TMP/probe"
cp -R "$REF" "$TMP/probe/$RUNID"
calls "$TMP/probe" $NOW2 "$TMP/log2"
[ "$rc" -eq 1 ] && [ -n "$C" ] && [ "$C" -lt "$N" ]
ok $? "second day: $N counted I/O calls, the commit's rename the ${C:-?}th"
rm -rf "$TMP/probe"
intmp=0
committed=0
for at in $(points "$N" "$C" $KILLS2 | sort -nu); do
	mkdir "$TMP/out2-$at"
	cp -R "$REF" "$TMP/out2-$at/$RUNID"
	killrun "$at" "$TMP/out2-$at" $NOW2 "$TMP/ref" "$RUNID2" "$TMP/log2" "$RUNID"
done
echo "# $intmp kills left a run being built (.tmp-*), $committed a committed run"
[ "$intmp" -gt 0 ] && [ "$committed" -gt 0 ]
ok $? "second day: kills landed both before and after the commit"

done_testing
