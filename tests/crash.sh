#!/bin/sh
# crash.sh -- crash consistency (docs/format.md 5 "a run killed at any point
# leaves no committed trace"): a larger export (tests/gen-crash-export.py:
# 20,000 customers, 4 products each, 1,000 requests; fewer on a slow
# machine, see below) is run once without
# interruption into OUT-ref; then 20 runs, each into a fresh OUT-k, are
# SIGKILLed after delays spread evenly over the clean run's measured
# duration, and rerun into the same OUT-k.  After each kill: OUT-k holds
# nothing, a .tmp-* (never read), or the complete committed run (byte for
# byte OUT-ref's), never a partial run directory.  After each rerun: exactly
# one committed run and nothing else in OUT-k, byte for byte OUT-ref's run
# (decisions, ownership, customers, every claim email once, the bundle).
#
# Then the same with history: OUT holds a committed run of another day,
# a second day's run is killed at 5 points and rerun, and must equal the
# second day's uninterrupted run (S_ALREADY_APPLIED and friends decided as
# if the killed run had never started).
#
# Needs python3 (the generator) and a sleep that takes fractions.  Where
# a C compiler is at hand, the runs go through tests/inject/inject.c with
# CR_INJECT_NOSYNC=1 (fsync a no-op, nothing injected): a SIGKILL does not
# lose the page cache, so fsync plays no part in what a killed run leaves,
# and without its thousand fsyncs a run is two to three times faster.
# CRASH_FSYNC=1 keeps the real fsyncs.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

NOW=2026-12-01T02:00:00Z
NOW2=2026-12-02T02:00:00Z
KEY=$SAMPLE_KEY
KILLS=20
KILLS2=5

if [ -z "$PYTHON3" ]; then
	skip "crash consistency" "no python3"
	done_testing
fi
if ! sleep 0.01 2>/dev/null; then
	skip "crash consistency" "sleep takes no fractions"
	done_testing
fi

PRE=""
: "${CC:=cc}"
if [ "${CRASH_FSYNC:-0}" != 1 ] && command -v "$CC" > /dev/null 2>&1 &&
    [ "$(head -c 4 "$CUSTRELEASE" | od -An -c | tr -d ' ')" = '177ELF' ] &&
    $CC -shared -fPIC -o "$NOBLANK/inject.so" tests/inject/inject.c -ldl; then
	PRE="env LD_PRELOAD=$NOBLANK/inject.so CR_INJECT_NOSYNC=1"
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
	export ASAN_OPTIONS
	echo "# runs without fsync (tests/inject/inject.c, CR_INJECT_NOSYNC=1)"
fi

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

# runbg OUT NOW: a run in the background; its pid in $pid.
runbg() {
	$PRE "$CUSTRELEASE" run --export "$EXPORT" --manifest "$MAN" --out "$1" \
	    --now "$2" --token-key "$KEY" --quiet >"$TMP/out" 2>"$TMP/err" &
	pid=$!
}

# runfg OUT NOW: a run; its status in $rc.
runfg() {
	rc=0
	$PRE "$CUSTRELEASE" run --export "$EXPORT" --manifest "$MAN" --out "$1" \
	    --now "$2" --token-key "$KEY" --quiet >"$TMP/out" 2>"$TMP/err" || rc=$?
}

# runs OUT: the entries of OUT named like a run id, one a line.
runs() {
	ls -A "$1" 2>/dev/null |
	    grep -E '^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$' || true
}

# --- the uninterrupted run ---------------------------------------------------
# 20,000 customers and 1,000 requests, unless that run takes more than
# 1.5 s (a sanitizer build, a loaded machine): then 5,000 and 300, so that
# the 45 runs stay within about a minute.  CRASH_CUSTOMERS and
# CRASH_REQUESTS choose.
reference() {
	gen "$1" "$2"
	rm -rf "$TMP/ref"
	start=$(now_ms)
	runfg "$TMP/ref" $NOW
	D=$(( $(now_ms) - start ))
}
if [ -n "${CRASH_CUSTOMERS:-}${CRASH_REQUESTS:-}" ]; then
	reference "${CRASH_CUSTOMERS:-20000}" "${CRASH_REQUESTS:-1000}"
else
	reference 20000 1000
	if [ "$D" -gt 1500 ]; then
		echo "# $D ms: too slow here for 45 runs; a smaller export"
		reference 5000 300
	fi
fi
expect_rc 1 "uninterrupted run ($D ms)"
# The kills are spread over the fastest of three clean runs: one slowed
# by a loaded machine would time the later kills after the run's end.
for _p in 1 2; do
	rm -rf "$TMP/probe"
	start=$(now_ms)
	runfg "$TMP/probe" $NOW
	_d=$(( $(now_ms) - start ))
	[ "$rc" -eq 1 ] && [ "$_d" -lt "$D" ] && D=$_d
done
rm -rf "$TMP/probe"
echo "# kills spread over $D ms"
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

# killrun K N OUT NOW REF_OUT RUNID [OLD_RUN]: kill a run at delay K/N of D,
# check, rerun, check.
killrun() {
	_ms=$(( D * (2 * $1 - 1) / (2 * $2) ))
	_s=$(printf '%d.%03d' $((_ms / 1000)) $((_ms % 1000)))
	runbg "$3" "$4"
	sleep "$_s"
	kill -KILL "$pid" 2>/dev/null
	_st=0
	wait "$pid" 2>/dev/null || _st=$?
	case $_st in
	137) _how="killed at ${_s}s"; landed=$((landed + 1)) ;;
	1) _how="finished before ${_s}s" ;;
	*) _how="exit $_st before ${_s}s" ;;
	esac
	check_killed "$3" "$5/$6" "$6" "${7:-}" > "$TMP/why"
	[ $? -eq 0 ] && case $_st in 137|1) ;; *) false ;; esac
	ok $? "kill $1/$2 ($_how): OUT holds$state, never a partial run"
	cat "$TMP/why"
	case $state in *tmp*) intmp=$((intmp + 1)) ;; esac

	runfg "$3" "$4"
	check_rerun "$3" "$5" > "$TMP/why"
	[ $? -eq 0 ] && [ "$rc" -eq 1 ]
	ok $? "kill $1/$2: the rerun gives the uninterrupted result (exit $rc)"
	cat "$TMP/why"
	rm -rf "$3"
}

# --- kills on a fresh OUT ---------------------------------------------------
# Every kill is timed before the clean run's end; a run that finished
# first tested nothing, so most kills must land.
intmp=0
landed=0
k=1
while [ $k -le $KILLS ]; do
	killrun $k $KILLS "$TMP/out-$k" $NOW "$TMP/ref" "$RUNID"
	k=$((k + 1))
done
echo "# $intmp of $KILLS kills left a run being built (.tmp-*)"
[ "$landed" -gt $((KILLS / 2)) ]
ok $? "$landed of $KILLS kills landed before the run finished (most)"

# --- kills of a second day's run, with a committed run in OUT ---------------
runfg "$TMP/ref" $NOW2
expect_rc 1 "uninterrupted second day"
RUNID2=$(runs "$TMP/ref" | grep -v "^$RUNID\$")
[ "$(grep -c ',skipped,S_ALREADY_APPLIED,' "$TMP/ref/$RUNID2/decisions.csv")" -eq "$NEMAILS" ]
ok $? "second day: every released request is S_ALREADY_APPLIED"
[ "$(ls "$TMP/ref/$RUNID2/emails" | wc -l)" -eq 0 ]
ok $? "second day: no second claim email"
# The second day's run is shorter (no emails); spread the kills over the
# fastest of three, as on the first day.
D=
for _p in 1 2 3; do
	rm -rf "$TMP/probe"
	mkdir "$TMP/probe"
	cp -R "$REF" "$TMP/probe/$RUNID"
	start=$(now_ms)
	runfg "$TMP/probe" $NOW2
	_d=$(( $(now_ms) - start ))
	[ "$rc" -eq 1 ] && { [ -z "$D" ] || [ "$_d" -lt "$D" ]; } && D=$_d
done
rm -rf "$TMP/probe"
[ -n "$D" ]; ok $? "second day: a clean run to time the kills ($D ms)"
landed=0
k=1
while [ $k -le $KILLS2 ]; do
	mkdir "$TMP/out2-$k"
	cp -R "$REF" "$TMP/out2-$k/$RUNID"
	killrun $k $KILLS2 "$TMP/out2-$k" $NOW2 "$TMP/ref" "$RUNID2" "$RUNID"
	k=$((k + 1))
done
[ "$landed" -gt $((KILLS2 / 2)) ]
ok $? "second day: $landed of $KILLS2 kills landed (most)"

done_testing
