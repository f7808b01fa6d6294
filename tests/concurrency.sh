#!/bin/sh
# concurrency.sh -- the lock on OUT (docs/format.md 5, src/rundir.h): two runs started
# at once on one OUT, a run that finds OUT locked, a lock left by a killed
# run, and `plan --out` beside a running run.
#
#   - Races: two identical runs of the samples on one OUT, the second
#     started 0 to 135 ms after the first, ten times.  Exactly one commits; the other exits 75 having written
#     nothing, or, when it took the lock after the first had committed,
#     exits with the committed run's status (1) and says it had nothing to
#     do.  The committed run is byte for byte a clean run.
#   - A run holding the lock, stopped (SIGSTOP) while it builds its run:
#     another run exits 75 and leaves nothing; once resumed the first
#     commits.  Deterministic: the holder is caught in the act.
#   - A run SIGKILLed while it holds the lock: the next run is not
#     blocked, removes the killed run's .tmp-* and commits.
#   - `plan --out` reads OUT without the lock while a run holds it.
#
# The holder runs on a larger export (tests/gen-crash-export.py) so that it
# is long enough to be caught; those cases need python3.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

NOW=2026-12-01T02:00:00Z
KEY=$SAMPLE_KEY
RUNID=20261201T020000Z-1f737a72

# runs OUT: the entries of OUT named like a run id.
runs() {
	ls -A "$1" 2>/dev/null |
	    grep -E '^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$' || true
}

cr run --export samples/export --manifest samples/manifest.csv \
    --out "$TMP/ref" --now $NOW --token-key "$KEY"
expect_rc 1 "clean run of the samples"
REF=$TMP/ref/$RUNID

# --- races ---------------------------------------------------------------------
i=1
while [ $i -le 10 ]; do
	O=$TMP/race-$i
	"$CUSTRELEASE" run --export samples/export \
	    --manifest samples/manifest.csv --out "$O" --now $NOW \
	    --token-key "$KEY" >"$O.1.out" 2>"$O.1.err" &
	p1=$!
	# the second starts 0, 15, ... 135 ms later: both orders happen
	[ $i -gt 1 ] && sleep "0.$(printf %03d $(( (i - 1) * 15 )))"
	"$CUSTRELEASE" run --export samples/export \
	    --manifest samples/manifest.csv --out "$O" --now $NOW \
	    --token-key "$KEY" >"$O.2.out" 2>"$O.2.err" &
	p2=$!
	s1=0; wait $p1 || s1=$?
	s2=0; wait $p2 || s2=$?
	why=""
	case "$s1 $s2" in
	"1 75"|"75 1")
		if [ $s1 -eq 75 ]; then loser=1; else loser=2; fi
		grep -q "another run holds the lock" "$O.$loser.err" ||
		    why="the loser does not say the lock is held"
		how="one committed, the other exit 75"
		;;
	"1 1")
		[ "$(grep -l "nothing to do" "$O.1.out" "$O.2.out" | wc -l)" -eq 1 ] ||
		    why="both exit 1 but not exactly one says it had nothing to do"
		how="one committed, the other found it committed"
		;;
	*)
		why="exits $s1 and $s2: $(cat "$O.1.err" "$O.2.err" | head -3)"
		how="exits $s1 and $s2"
		;;
	esac
	if [ -z "$why" ]; then
		if [ "$(out_ls "$O")" != "$RUNID" ]; then
			why="OUT holds $(out_ls "$O" | tr '\n' ' ')"
		elif ! diff -rq "$REF" "$O/$RUNID" > /dev/null 2>&1; then
			why="the committed run differs from a clean run"
		fi
	fi
	[ -z "$why" ]; ok $? "race $i (+$(( (i - 1) * 15 )) ms): $how; exactly one committed run, a clean one"
	[ -z "$why" ] || echo "$why" | sed 's/^/# /'
	i=$((i + 1))
done

# --- a holder caught in the act --------------------------------------------
if [ -z "$PYTHON3" ]; then
	skip "lock held by a stopped run" "no python3"
	skip "lock left by a killed run" "no python3"
	done_testing
fi
"$PYTHON3" tests/gen-crash-export.py "$TMP/gen" 20000 1000
ok $? "generate a larger export"

# big OUT NOW: a run of the larger export in the background, pid in $pid.
big() {
	"$CUSTRELEASE" run --export "$TMP/gen/export" \
	    --manifest "$TMP/gen/manifest.csv" --out "$1" --now "$2" \
	    --token-key "$KEY" --quiet >"$TMP/big.out" 2>"$TMP/big.err" &
	pid=$!
}

# building OUT PID: wait (up to 20 s) until OUT holds a .tmp-* of PID; 0
# when it does, 1 when PID ended first.
building() {
	_w=0
	while [ $_w -lt 2000 ]; do
		for _e in "$1"/.tmp-*-"$2"; do
			[ -d "$_e" ] && return 0
		done
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.01
		_w=$((_w + 1))
	done
	return 1
}

O=$TMP/stopped
big "$O" $NOW
holder=$pid
if building "$O" $holder; then
	kill -STOP $holder
	cr run --export samples/export --manifest samples/manifest.csv \
	    --out "$O" --now $NOW --token-key "$KEY"
	expect_rc 75 "OUT locked by a stopped run: exit 75"
	expect_err "another run holds the lock" "locked: said on stderr"
	[ -z "$(runs "$O")" ] && [ "$(ls -A "$O" | wc -l)" -eq 1 ]
	ok $? "locked: nothing written beside the holder's .tmp-*"

	cr plan --export samples/export --manifest samples/manifest.csv \
	    --out "$O"
	expect_rc 1 "plan --out beside a locked run: not blocked"
	[ -z "$(runs "$O")" ]; ok $? "plan wrote nothing"

	kill -CONT $holder
	st=0; wait $holder || st=$?
	[ $st -eq 1 ]; ok $? "the holder, resumed, commits (exit $st)"
	[ "$(runs "$O" | wc -l)" -eq 1 ] && [ "$(out_ls "$O" | wc -l)" -eq 1 ]
	ok $? "one committed run, nothing else"
else
	wait $holder
	ok 1 "the larger run was never caught building its run"
fi

# --- a lock left by a killed run ---------------------------------------------
O=$TMP/killed
big "$O" $NOW
holder=$pid
if building "$O" $holder; then
	kill -KILL $holder
	wait $holder 2>/dev/null
	[ -n "$(ls -d "$O"/.tmp-* 2>/dev/null)" ]; ok $? "the killed run left its .tmp-*"
	cr run --export samples/export --manifest samples/manifest.csv \
	    --out "$O" --now $NOW --token-key "$KEY"
	expect_rc 1 "the next run is not blocked by the killed run's lock"
	[ "$(out_ls "$O")" = "$RUNID" ]
	ok $? "it removed the killed run's .tmp-* and committed its own run"
	diff -rq "$REF" "$O/$RUNID" > /dev/null 2>&1
	ok $? "its run is byte for byte a clean run"
else
	wait $holder
	ok 1 "the larger run was never caught building its run"
fi

done_testing
