#!/bin/sh
# parts-change.sh -- plan and run over the memory budget read their inputs
# more than once: the manifest and the export whole first, then the
# manifest, the history under OUT and the export again for each part
# (src/cmd-common.c).  What changes between those reads must fail the
# command, never give a result made of two states of the inputs:
#
#  - the export changes between the whole load and a part: exit 65, the
#    export named with "changed while it was read"; plan prints no
#    decision and leaves nothing under TMPDIR, run commits nothing and
#    leaves nothing in OUT, and a run into that OUT then commits;
#  - a run is committed into OUT while plan --out OUT is between parts
#    (plan holds no lock on OUT): exit 75, "a run was committed while it
#    was read: try again", no decision printed; plan run again then
#    prints what the whole plan prints.
#
# The change is made at a chosen I/O call by the fault-injection shim
# (tests/inject/inject.c, CR_INJECT_EXEC): a first run under the shim logs
# its calls, the counted number of the second open of the export's
# customers.csv (the first part's re-read) is taken from the log, and a
# second run makes the change just before that call.  Only opens are
# counted (CR_INJECT_ONLY=open): which requests make a part depends on a
# hash keyed at random in each process, and so does the number of reads
# of the manifest before the first part that has requests (the empty
# ones before it read the manifest through its open fd); the opens up to
# the first part's re-read of the export are the same in every process.
# The injected run's log shows the change was made at that open.  The
# samples take the parts' path with the model's budget lowered
# (CUSTRELEASE_MODEL_MEM, a testing aid, in bytes).  Every change command
# touches a marker that is checked, so that a change that did not happen
# fails the test.  Under valgrind (tests/check-valgrind parts-change.sh)
# the shim is preloaded by the wrapper too; CR_INJECT_PROG leaves
# everything but custrelease itself alone.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

NIGHT1=2026-11-30T02:00:00Z
NIGHT2=2026-12-01T02:00:00Z
KEY=$SAMPLE_KEY
MAN=$top_srcdir/samples/manifest.csv
BUDGET=256

# The shim: counts and acts in custrelease only (under valgrind, not in
# the wrapper's shell nor the valgrind launcher).
case ${CUSTRELEASE##*/} in
valgrind-wrapper) PROG=${CUSTRELEASE_REAL:-custrelease} ;;
*) PROG=$CUSTRELEASE ;;
esac
PROG=${PROG##*/}
if ! build_shim; then
	ok 1 "the fault-injection shim builds"
	done_testing
fi

# What the change commands (run by the shim, in /bin/sh) are told.
HOOK_CR=$CUSTRELEASE
HOOK_KEY=$KEY
HOOK_NOW=$NIGHT2
HOOK_MAN=$top_srcdir/samples/manifest-rerun.csv
export HOOK_CR HOOK_KEY HOOK_NOW HOOK_MAN

# change.sh: one byte of one value of $HOOK_FILE changes (Bordeaux to
# Bordeauy on its line 2), in place, with the same size and mtime: only
# the contents tell.  Then the marker $HOOK_MARK.
cat >"$TMP/change.sh" <<'EOF'
set -e
touch -r "$HOOK_FILE" "$HOOK_MARK.ref"
sed '2s/Bordeaux/Bordeauy/' "$HOOK_FILE" >"$HOOK_MARK.new"
! cmp -s "$HOOK_FILE" "$HOOK_MARK.new"
cat "$HOOK_MARK.new" >"$HOOK_FILE"
touch -r "$HOOK_MARK.ref" "$HOOK_FILE"
: >"$HOOK_MARK"
EOF
# commit.sh: a run of the samples' second night into $HOOK_OUT (whole:
# the plan's lowered budget is not its), its exit status into the marker
# $HOOK_MARK; 0 or 1 (some request rejected) is a committed run, anything
# else fails the command (and the shim stops the process with 99).
cat >"$TMP/commit.sh" <<'EOF'
unset CUSTRELEASE_MODEL_MEM
rc=0
"$HOOK_CR" run --export "$HOOK_EXP" --manifest "$HOOK_MAN" --out "$HOOK_OUT" \
    --now "$HOOK_NOW" --token-key "$HOOK_KEY" --quiet \
    >"$HOOK_MARK.out" 2>"$HOOK_MARK.err" || rc=$?
echo "$rc" >"$HOOK_MARK"
[ "$rc" -le 1 ]
EOF

# second_open LOG FILE: the counted number of the second open of FILE in
# the shim's LOG ("N call target" lines; the target may hold blanks).
second_open() {
	_F=$2 awk '{ t = $0; sub(/^[0-9]+ [^ ]+ /, "", t) }
	    ($2 == "open" || $2 == "openat") && t == ENVIRON["_F"] &&
	    ++c == 2 { print $1; exit }' "$1"
}

# shimmed LOG [VAR=VALUE...] custrelease ARGS...: custrelease under the
# shim with the model's budget lowered, its opens counted and logged to
# LOG; stdout in $TMP/out, stderr in $TMP/err, status in $rc.
shimmed() {
	_log=$1
	shift
	rm -f "$_log"
	rc=0
	env LD_PRELOAD="$SHIM" CR_INJECT_PROG="$PROG" CR_INJECT_ONLY=open \
	    CR_INJECT_LOG="$_log" CUSTRELEASE_MODEL_MEM=$BUDGET \
	    TMPDIR="$SPOOL" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
}
SPOOL="$TMP/spool dir"
mkdir "$SPOOL"

# spool_empty WHAT: nothing left under the commands' TMPDIR.
spool_empty() {
	[ -z "$(ls -A "$SPOOL")" ]
	ok $? "$1: nothing left under TMPDIR"
	ls -A "$SPOOL" | sed 's/^/# left under TMPDIR: /'
}

# in_parts WHAT CMD: the last command's stderr says it decided in parts.
in_parts() {
	grep -Eq "^custrelease: $2: over the memory budget: decided in ([2-9]|[1-9][0-9]+) parts\$" \
	    "$TMP/err"
	ok $? "$1: decided in parts"
}

# exec_at WHAT LOG N FILE: call N of the injected run, logged to LOG,
# was the open of FILE and the change command ran there.
exec_at() {
	[ -n "$3" ] && grep -Fxq -e "$3 open $4 EXEC" -e "$3 openat $4 EXEC" "$2"
	ok $? "$1: the change was made just before call $3, the second open of ${4##*/}"
}

# at_second_open WHAT HOOK [VAR=VALUE...] custrelease ARGS...: the call
# number N of the second open of $CUST in $TMP/log (the counting run's),
# then the command again under the shim, logged to $TMP/log2, with the
# script HOOK run just before that open (its marker $TMP/mark).
at_second_open() {
	_what=$1
	_hook=$2
	shift 2
	N=$(second_open "$TMP/log" "$CUST")
	[ -n "$N" ]
	ok $? "$_what: the log has the second open of customers.csv (call ${N:-none})"
	rm -f "$TMP/mark"
	shimmed "$TMP/log2" CR_INJECT_AT="${N:-0}" CR_INJECT_EXEC='sh "$HOOK"' \
	    HOOK="$_hook" HOOK_MARK="$TMP/mark" "$@"
}

# changed_fails WHAT: the run of at_second_open changed the export at the
# call it aimed at, and failed as an export that changed while read.
changed_fails() {
	exec_at "$1" "$TMP/log2" "$N" "$CUST"
	expect_rc 65 "$1: the export changed while a part read it"
	[ "$(cat "$TMP/err")" = "custrelease: $EXP:0: changed while it was read" ]
	ok $? "$1: stderr names the export, \"changed while it was read\", and says nothing else"
	[ $rc -eq 65 ] || sed 's/^/# stderr: /' "$TMP/err" | head -5
}

# --- (c) the export changes between the whole load and a part -------------
EXP=$TMP/export
CUST=$EXP/customers.csv
rm -rf "$EXP" && cp -R samples/export "$EXP"

for form in text json; do
	what=plan
	[ $form = json ] && what="plan --json"
	set -- "$CUSTRELEASE" plan --export "$EXP" --manifest "$MAN"
	[ $form = json ] && set -- "$@" --json
	shimmed "$TMP/log" "$@"
	[ $rc -eq 1 ] && [ -s "$TMP/out" ]
	ok $? "$what in parts under the shim, the export unchanged (exit $rc)"
	in_parts "$what" plan
	at_second_open "$what" "$TMP/change.sh" HOOK_FILE="$CUST" "$@"
	[ -f "$TMP/mark" ] && ! cmp -s "$CUST" samples/export/customers.csv &&
	    [ "$(wc -c <"$CUST")" -eq "$(wc -c <samples/export/customers.csv)" ]
	ok $? "$what: the change command ran (customers.csv changed, same size)"
	changed_fails "$what"
	[ ! -s "$TMP/out" ]
	ok $? "$what: nothing on stdout, no half result"
	[ -s "$TMP/out" ] && sed 's/^/# stdout: /' "$TMP/out" | head -5
	spool_empty "$what"

	# the changed export itself is fine: read once, it is decided
	shimmed "$TMP/log3" "$@"
	[ $rc -eq 1 ] && [ -s "$TMP/out" ]
	ok $? "$what: the changed export, unchanged while read, is decided (exit $rc)"
	cp samples/export/customers.csv "$CUST"
done

# run: the same change, into a new OUT; the counting run goes to another
OUT=$TMP/out-c
set -- "$CUSTRELEASE" run --export "$EXP" --manifest "$MAN" --now $NIGHT1 \
    --token-key "$KEY"
shimmed "$TMP/log" "$@" --out "$TMP/out-count"
[ $rc -eq 1 ] && [ -n "$(out_ls "$TMP/out-count")" ]
ok $? "run in parts under the shim, the export unchanged: committed (exit $rc)"
in_parts "run" run
at_second_open "run" "$TMP/change.sh" HOOK_FILE="$CUST" "$@" --out "$OUT"
[ -f "$TMP/mark" ] && ! cmp -s "$CUST" samples/export/customers.csv
ok $? "run: the change command ran (customers.csv changed)"
changed_fails "run"
[ -d "$OUT" ] && [ -z "$(out_ls "$OUT")" ]
ok $? "run: no run committed, no .tmp- or .failed- left in OUT"
out_ls "$OUT" | sed 's/^/# left in OUT: /'
[ ! -s "$TMP/out" ]
ok $? "run: nothing on stdout"
# the lock went with the process: a run into the same OUT commits (with
# the changed export, read once)
cr run --export "$EXP" --manifest "$MAN" --out "$OUT" --now $NIGHT1 \
    --token-key "$KEY" --quiet
[ $rc -eq 1 ] && [ "$(out_ls "$OUT" | wc -l)" -eq 1 ] &&
    [ -d "$OUT/$(out_ls "$OUT")" ]
ok $? "run: the lock is released, a run into the same OUT commits (exit $rc)"
cr verify "$OUT/$(out_ls "$OUT")/audit-$(out_ls "$OUT").tar.gz"
expect_rc 0 "run: that run's bundle verifies"
cp samples/export/customers.csv "$CUST"

# --- (d) a run committed into OUT while plan --out OUT is between parts ---
OUT=$TMP/out-d
cr run --export "$EXP" --manifest "$MAN" --out "$OUT" --now $NIGHT1 \
    --token-key "$KEY" --quiet
expect_rc 1 "night 1 committed into OUT"
set -- "$CUSTRELEASE" plan --export "$EXP" --manifest "$MAN" --out "$OUT"
shimmed "$TMP/log" "$@"
[ $rc -eq 1 ] && [ -s "$TMP/out" ] && grep -q S_ALREADY_APPLIED "$TMP/out"
ok $? "plan --out in parts under the shim, OUT unchanged: night 1 seen (exit $rc)"
in_parts "plan --out" plan
at_second_open "plan --out" "$TMP/commit.sh" HOOK_EXP="$EXP" HOOK_OUT="$OUT" \
    "$@"
[ -f "$TMP/mark" ] && [ "$(cat "$TMP/mark")" -le 1 ] &&
    [ "$(out_ls "$OUT" | wc -l)" -eq 2 ]
ok $? "plan --out: the run between parts committed night 2 (exit $(cat "$TMP/mark" 2>/dev/null))"
[ -f "$TMP/mark.err" ] && sed 's/^/# the run: /' "$TMP/mark.err" | head -5
exec_at "plan --out" "$TMP/log2" "$N" "$CUST"
expect_rc 75 "plan --out: a run committed between parts"
[ "$(cat "$TMP/err")" = "custrelease: $OUT:0: a run was committed while it was read: try again" ]
ok $? "plan --out: stderr says \"a run was committed while it was read: try again\", and nothing else"
[ $rc -eq 75 ] || sed 's/^/# stderr: /' "$TMP/err" | head -5
[ ! -s "$TMP/out" ]
ok $? "plan --out: nothing on stdout, no half result"
spool_empty "plan --out"
# tried again: plan sees both nights, in parts as whole
cr plan --export "$EXP" --manifest "$MAN" --out "$OUT"
cp "$TMP/out" "$TMP/whole"
w=$rc
shimmed "$TMP/log3" "$@"
[ $rc -eq 1 ] && [ $w -eq 1 ] && cmp -s "$TMP/whole" "$TMP/out"
ok $? "plan --out tried again: exit 1, the whole plan's output (exit $rc, whole $w)"
in_parts "plan --out tried again" plan

done_testing
