#!/bin/sh
# faults.sh -- fault injection: the LD_PRELOAD shim of
# tests/inject/inject.c makes the Nth I/O call of `custrelease run` on the
# samples fail, for every N from 1 to the number of calls a clean run
# makes (odd N with EIO, even N with ENOSPC).  Each run must either
#
#   - exit 74 (73 when the failing call creates or opens OUT itself, as
#     docs/format.md 5 says), name the error on stderr, commit nothing and leave
#     nothing that could be taken for a run: no OUT/<run_id>, no .tmp-*,
#     and a .failed-* only when the failing call is the fsync of OUT after
#     the commit rename (rundir.h); or
#   - for the calls whose failure cannot lose data, commit a run byte for
#     byte equal to the clean run (records, emails, bundle; the clean run's
#     bundle passes `custrelease verify`).  These calls are: close of an fd
#     that is not an output file (inputs, templates, the key, directories,
#     among them emails/ and .redacted/, where the bundle's copies wait),
#     and the open and read of the manifest's first bytes that only sniff
#     its format (the manifest is then opened again, read and hashed).
#
# A token key or template that cannot be read is an I/O error too (74,
# docs/format.md 5).
#
# After every failed run that created OUT, a clean rerun into the same OUT
# must commit exactly one run, byte for byte the clean run.  (Without OUT
# the rerun would be a first run, which the reference run already is.)
#
# Making the run's directory fails with EROFS, EACCES and EPERM in turn:
# exit 73, the output cannot be created (docs/format.md 5).
#
# Then the export-reading phase of the XML form and of a tar.gz of the
# export: every open and read of the export file fails in turn; the run
# exits 74, or commits a run whose bundle verifies and whose
# decisions.csv, ownership.csv, customers.csv and emails equal the clean
# run's (libarchive may not need a failed read: it has seen the end).
#
# Last, every read of the run's own files by the bundle and the report
# ends early in turn (CR_INJECT_EOF=1: a file that shrank under them): the
# run exits 74 with one message (65 when it is the manifest's copy) and
# leaves nothing, or, for the read that finds the end anyway, commits the
# clean results.
#
# The runs go through the shim with CR_INJECT_NOSYNC=1 (fsync succeeds
# without syncing): the test checks the logic, not the disk, and some 30
# fsyncs a run would triple its time.  The sweep runs in FAULTS_JOBS (2)
# workers.  Needs a C compiler ($CC, else cc) for the shim and an ELF
# $CUSTRELEASE (a wrapper script would be counted too): else skipped.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

NOW=2026-12-01T02:00:00Z
KEY=$SAMPLE_KEY
MAN=samples/manifest.csv
RUNID=20261201T020000Z-1f737a72
RECORDS="decisions.csv ownership.csv customers.csv"

: "${CC:=cc}"
if ! command -v "$CC" > /dev/null 2>&1; then
	skip "fault injection" "no C compiler ($CC)"
	done_testing
fi
if [ "$(head -c 4 "$CUSTRELEASE" | od -An -c | tr -d ' ')" != '177ELF' ]; then
	skip "fault injection" "$CUSTRELEASE is not an ELF binary"
	done_testing
fi
if ! build_shim; then
	ok 1 "the shim builds"
	done_testing
fi
# Scratch files of the helpers below ($S: one per worker of the sweep).
S=$TMP

# runit OUT [EXPORT]: a run of the samples; status in $rc.  Under the
# shim with CR_INJECT_NOSYNC=1 (nothing fails, fsync a no-op) unless $REAL
# is 1.
runit() {
	rc=0
	if [ "${REAL:-0}" -eq 1 ]; then set -- "$1" "${2:-samples/export}" env
	else set -- "$1" "${2:-samples/export}" env LD_PRELOAD="$SHIM" \
	    CR_INJECT_NOSYNC=1; fi
	_out=$1 _exp=$2
	shift 2
	"$@" "$CUSTRELEASE" run --export "$_exp" --manifest $MAN \
	    --out "$_out" --now $NOW --token-key "$KEY" --quiet \
	    >"$S/out" 2>"$S/err" || rc=$?
}

# injected N ERRNO OUT [EXPORT] [FAMILIES]: runit with the Nth call failing.
injected() {
	rc=0
	LD_PRELOAD=$SHIM CR_INJECT_AT=$1 CR_INJECT_ERRNO=$2 \
	    CR_INJECT_ONLY=${5:-} CR_INJECT_NOSYNC=1 \
	    "$CUSTRELEASE" run --export "${4:-samples/export}" --manifest $MAN \
	    --out "$3" --now $NOW --token-key "$KEY" --quiet \
	    >"$S/out" 2>"$S/err" || rc=$?
}

# same_as_ref RUNDIR: records and the list of emails equal the reference;
# prints what differs.
same_as_ref() {
	_s=0
	for _f in $RECORDS; do
		if ! cmp -s "$REF/$_f" "$1/$_f"; then
			echo "# $_f differs from the clean run's"
			_s=1
		fi
	done
	if ! diff -rq "$REF/emails" "$1/emails" > /dev/null 2>&1; then
		echo "# the emails differ from the clean run's"
		_s=1
	fi
	return $_s
}

# committed_ok OUT: exactly one entry in OUT, the committed run, and it is
# byte for byte the clean run (a run is reproducible: same inputs, --now
# and key give the same files, emails and bundle).
committed_ok() {
	if [ "$(out_ls "$1")" != "$RUNID" ]; then
		echo "# OUT holds: $(out_ls "$1" | tr '\n' ' ')"
		return 1
	fi
	if ! diff -rq "$REF" "$1/$RUNID" > "$S/diff" 2>&1; then
		sed 's/^/# /' "$S/diff" | head -5
		return 1
	fi
}

# verified_ok OUT: the committed run's bundle passes verify and its
# records and emails equal the clean run's (other inputs, same data).
verified_ok() {
	if [ "$(out_ls "$1")" != "$RUNID" ]; then
		echo "# OUT holds: $(out_ls "$1" | tr '\n' ' ')"
		return 1
	fi
	if ! "$CUSTRELEASE" verify "$1/$RUNID/audit-$RUNID.tar.gz" \
	    > "$S/verify.out" 2>&1; then
		sed 's/^/# verify: /' "$S/verify.out" | head -5
		return 1
	fi
	same_as_ref "$1/$RUNID"
}

# nothing_left OUT ALLOW_FAILED: no run id entry, no .tmp-*, nothing else
# but (when ALLOW_FAILED is 1) one .failed-<run_id>-<pid>.
nothing_left() {
	[ -d "$1" ] || return 0
	_bad=$(ls -A "$1" | while read -r _e; do
		case $_e in
		.failed-$RUNID-*) [ "$2" -eq 1 ] || echo "$_e" ;;
		*) echo "$_e" ;;
		esac
	done)
	if [ -n "$_bad" ]; then
		echo "# left in OUT: $(echo "$_bad" | tr '\n' ' ')"
		return 1
	fi
	return 0
}

# --- the clean run and the count -------------------------------------------
REF=$TMP/ref/$RUNID
REAL=1
runit "$TMP/ref"
REAL=0
expect_rc 1 "clean run of the samples"
cr verify "$REF/audit-$RUNID.tar.gz"
expect_rc 0 "the clean run's bundle verifies"

rm -f "$TMP/log"
rc=0
LD_PRELOAD=$SHIM CR_INJECT_COUNT=$TMP/count CR_INJECT_LOG=$TMP/log \
    CR_INJECT_NOSYNC=1 \
    "$CUSTRELEASE" run --export samples/export --manifest $MAN \
    --out "$TMP/c" --now $NOW --token-key "$KEY" --quiet \
    >"$S/out" 2>"$S/err" || rc=$?
expect_rc 1 "counting run under the shim"
committed_ok "$TMP/c" > "$TMP/why"; ok $? "the shim changes nothing: same results"
cat "$TMP/why"
TOTAL=$(cat "$TMP/count" 2>/dev/null || echo 0)
[ "$TOTAL" -ge 100 ]; ok $? "the shim counts the run's I/O calls ($TOTAL)"
for c in read write open close fsync renameat2 mkdirat fchmod; do
	grep -Eq "^[0-9]+ $c " "$TMP/log"; ok $? "the shim sees $c"
done

# Classify every call: N CLASS CALL TARGET, the target with the counting
# run's OUT written OUT and the run being built (or just committed) RUN.
awk -v out="$TMP/c" -v parent="$TMP" -v man="$MAN" -v runid="$RUNID" '
{
	n = $1; call = $2; t = $0; sub(/^[0-9]+ [^ ]+ /, "", t)
	if (index(t, out "/.tmp-" runid "-") == 1) {
		t = substr(t, length(out "/.tmp-" runid "-") + 1)
		sub(/^[0-9]+/, "", t); t = "RUN" t
	} else if (index(t, out "/" runid) == 1)
		t = "RUN" substr(t, length(out "/" runid) + 1)
	else if (t == out || index(t, out "/") == 1)
		t = "OUT" substr(t, length(out) + 1)
	else if (t == parent)
		t = "OUT/.."
	cls = "must"
	if (call == "close" && (t !~ /^RUN\// || t == "RUN/emails" ||
	    t ~ /^RUN\/\.redacted( \(deleted\))?$/))
		cls = "may"		# not an output file (a directory)
	if (call == "open" && t == man && !seen_man) {
		seen_man = 1; sniff = 1; cls = "may"
	} else if (call == "read" && sniff && t ~ ("/" man "$"))
		cls = "may"
	else if (call == "close" && sniff)
		sniff = 0
	if ((call == "mkdir" || call == "open" || call == "fchmod") &&
	    t == "OUT")
		cls = "create"
	if (call == "fsync" && t == "OUT")
		cls = "must-failed"	# after the rename: .failed-* kept
	# The history index: a cache, read before the run (a failure: the
	# committed runs are read instead) and updated after its commit (a
	# failure: a warning; the next run rebuilds it).
	if (t ~ /^OUT\/\.history-index/)
		cls = committed ? "index" : "may"
	if (committed && t == "RUN/decisions.csv")
		cls = "index"
	if (call == "renameat2" && t == "RUN")
		committed = 1
	print n, cls, call, t
}' "$TMP/log" > "$TMP/classes"
[ "$(wc -l < "$TMP/classes")" -eq "$TOTAL" ]; ok $? "one log line per call"

# --- every call fails in turn ----------------------------------------------
# sweep W: the calls N with N % JOBS == W, each one failing in turn; writes
# "N STEP ok|fail DESCRIPTION" and "N STEP # diagnostic" lines to
# $TMP/res.W (STEP 1: the failing run, STEP 2: the rerun).
sweep() {
	S=$TMP/w$1
	mkdir -p "$S"
	while read -r N cls call target <&3; do
		[ $((N % JOBS)) -eq "$1" ] || continue
		one "$N" "$cls" "$call $target"
	done 3< "$TMP/classes" > "$TMP/res.$1"
}

# say N STEP WHY DESC: a result line and its diagnostics.
say() {
	if [ -z "$3" ]; then
		echo "$1 $2 ok $4"
	else
		echo "$1 $2 fail $4"
		echo "$3" | sed -e 's/^# //' -e "s/^/$1 $2 # /"
	fi
}

one() {
	N=$1
	cls=$2
	if [ $((N % 2)) -eq 1 ]; then
		err=EIO; msg="Input/output error"
	else
		err=ENOSPC; msg="No space left on device"
	fi
	OUT=$TMP/f/$N
	injected "$N" $err "$OUT"
	desc="call $N/$TOTAL ($3, $err)"
	why=""
	case $cls:$rc in
	may:1)
		why=$(committed_ok "$OUT") && desc="$desc: committed a complete run"
		;;
	index:1)
		if ! why=$(committed_ok "$OUT"); then
			:
		elif [ -s "$S/err" ] && ! grep -q "^custrelease: warning: cannot update the history index: .*$msg" "$S/err"; then
			why="# stderr does not say the index was not updated: $(head -3 "$S/err")"
		else
			desc="$desc: committed, the index left to the next run"
		fi
		;;
	must:74|must-failed:74|may:74|create:73|create:74)
		allow=0
		[ "$cls" = must-failed ] && allow=1
		if ! why=$(nothing_left "$OUT" $allow); then
			:
		elif ! grep -Eq "^custrelease: .+:[0-9]+: .*$msg" "$S/err"; then
			why="# stderr does not name the error: $(head -3 "$S/err")"
		else
			desc="$desc: exit $rc, nothing committed"
		fi
		;;
	*)
		why="# unexpected exit $rc for a $cls call; stderr: $(head -3 "$S/err")"
		;;
	esac
	say "$N" 1 "$why" "$desc"

	if [ "$rc" -ne 1 ] && [ -d "$OUT" ]; then
		runit "$OUT"
		why=""
		if [ "$rc" -ne 1 ]; then
			why="# rerun exits $rc: $(head -3 "$S/err")"
		else
			# a .failed-* entry stays, as evidence
			rm -rf "$OUT"/.failed-*
			why=$(committed_ok "$OUT")
		fi
		say "$N" 2 "$why" "call $N: a clean rerun into the same OUT gives the clean results"
	fi
	rm -rf "$OUT"
}

# Two workers (the machine has two cores; FAULTS_JOBS overrides).
JOBS=${FAULTS_JOBS:-2}
mkdir "$TMP/f"
w=0
pids=""
while [ $w -lt "$JOBS" ]; do
	sweep $w &
	pids="$pids $!"
	w=$((w + 1))
done
wait $pids
S=$TMP
cat "$TMP"/res.* | sort -s -n -k1,1 -k2,2 > "$TMP/sorted"
while read -r N step what rest; do
	case $what in
	ok) ok 0 "$rest" ;;
	fail) ok 1 "$rest" ;;
	*) echo "$what $rest" ;;
	esac
done < "$TMP/sorted"
[ "$(awk '$2 == 1 && ($3 == "ok" || $3 == "fail")' "$TMP/sorted" | wc -l)" -eq "$TOTAL" ]
ok $? "every one of the $TOTAL calls was failed once"

# --- OUT that refuses the run directory -----------------------------------
# Permissions or a read-only mount (EACCES, EPERM, EROFS) on the run's
# directory: the output cannot be created, exit 73 (docs/format.md 5), not 74.
N=$(awk '$3 == "mkdirat" && $4 == "RUN" { print $1; exit }' "$TMP/classes")
[ -n "$N" ]; ok $? "the shim sees the run's directory made"
for err in EROFS 13 1; do
	OUT=$TMP/perm
	injected "${N:-0}" $err "$OUT"
	why=$(nothing_left "$OUT" 0) && [ "$rc" -eq 73 ] &&
	    grep -q "cannot create directory" "$S/err"
	ok $? "errno $err making the run's directory: exit 73, nothing left (exit $rc)"
	[ -z "$why" ] || echo "$why"
	rm -rf "$OUT"
done

# clean_or_count WHAT: a run with a fault ($rc) that did not fail the way
# it should: exit 1 must have committed the clean results (the fault did
# not matter), any other exit is wrong.  Adds to $bad, says why.
clean_or_count() {
	if [ "$rc" -ne 1 ]; then
		echo "# $1: exit $rc: $(head -2 "$S/err" | tr "\n" " ")"
		bad=$((bad + 1))
	elif ! verified_ok "$OUT" > "$TMP/why"; then
		echo "# $1: run committed wrong results"
		cat "$TMP/why"
		bad=$((bad + 1))
	fi
}

# --- the export-reading phase of the XML form and of a tar.gz ------------
tar -C samples -czf "$TMP/export.tar.gz" export
for EXP in samples/export.xml "$TMP/export.tar.gz"; do
	name=${EXP##*/}
	runit "$TMP/ref-$name" "$EXP"
	if [ "$rc" -ne 1 ] || ! same_as_ref "$TMP/ref-$name/$RUNID"; then
		ok 1 "$name: clean run gives the same results"
		continue
	fi
	rm -f "$TMP/log"
	LD_PRELOAD=$SHIM CR_INJECT_ONLY=open,read CR_INJECT_LOG=$TMP/log \
	    CR_INJECT_NOSYNC=1 \
	    "$CUSTRELEASE" run --export "$EXP" --manifest $MAN --out "$TMP/c-$name" \
	    --now $NOW --token-key "$KEY" --quiet > /dev/null 2>&1
	calls=$(awk -v f="$name" '$3 ~ ("/" f "$") || $3 == f { print $1 }' "$TMP/log")
	[ -n "$calls" ]; ok $? "$name: the shim sees the export being read"
	bad=0
	for N in $calls; do
		OUT=$TMP/x
		injected "$N" EIO "$OUT" "$EXP" open,read
		case $rc in
		74)
			if ! nothing_left "$OUT" 0 > /dev/null ||
			    ! grep -q "^custrelease: .*$name:" "$S/err"; then
				echo "# $name: read/open call $N: exit 74, but OUT holds $(ls -A "$OUT" 2>/dev/null) or stderr says $(head -2 "$S/err" | tr "\n" " ")"
				bad=$((bad + 1))
			fi
			;;
		*)
			clean_or_count "$name: read/open call $N fails"
			;;
		esac
		rm -rf "$OUT"
	done
	[ "$bad" -eq 0 ]; ok $? "$name: each failing open or read of the export: exit 74 or the clean results ($(echo $calls | wc -w) calls)"
done


# --- payload files that end early while the bundle is written ------------
# The bundle measures each named payload file (fstat) before the archive
# starts, hashes it on a thread of its own and copies it into the archive
# on the main thread.  A file that has shrunk by then (here: the Nth read
# returns end of file, CR_INJECT_EOF=1) must fail the run, never give a
# bundle whose listed sizes or digests are not its contents.  The report,
# which reads the records back, and the sorted list of the emails (a
# temporary file), fail the same way.  Which thread makes
# the Nth read varies from run to run: whichever it is must fail the run.
rm -f "$TMP/log"
LD_PRELOAD=$SHIM CR_INJECT_ONLY=read CR_INJECT_LOG=$TMP/log CR_INJECT_NOSYNC=1 \
    "$CUSTRELEASE" run --export samples/export --manifest $MAN --out "$TMP/e" \
    --now $NOW --token-key "$KEY" --quiet > /dev/null 2>&1
calls=$(awk -v run="$TMP/e/.tmp-$RUNID-" '$2 == "pread" &&
    index($3, run) == 1 { print $1 }' "$TMP/log")
[ "$(echo $calls | wc -w)" -ge 20 ]; ok $? "the shim sees the bundle read the run's files ($(echo $calls | wc -w) reads)"
bad=0 failed=0
for N in $calls; do
	OUT=$TMP/x
	rc=0
	LD_PRELOAD=$SHIM CR_INJECT_AT=$N CR_INJECT_EOF=1 CR_INJECT_ONLY=read \
	    CR_INJECT_NOSYNC=1 \
	    "$CUSTRELEASE" run --export samples/export --manifest $MAN \
	    --out "$OUT" --now $NOW --token-key "$KEY" --quiet \
	    >"$S/out" 2>"$S/err" || rc=$?
	case $rc in
	74)
		failed=$((failed + 1))
		if ! nothing_left "$OUT" 0 > /dev/null ||
		    ! grep -Eq "^custrelease: [^ ]+: (cannot read (.*: (changed while the bundle was written|shorter than written)|for the report: .*)|temporary file: cannot read: .*)$" "$S/err" ||
		    [ "$(wc -l < "$S/err")" -ne 1 ]; then
			echo "# read $N ends early: exit 74, but OUT holds $(ls -A "$OUT" 2>/dev/null) or stderr says $(head -3 "$S/err" | tr "\n" " ")"
			bad=$((bad + 1))
		fi
		;;
	65)	# the manifest, copied into the bundle while the hasher runs
		if ! nothing_left "$OUT" 0 > /dev/null ||
		    ! grep -q "the manifest changed while the run was reading it" "$S/err"; then
			echo "# read $N ends early: exit 65: $(head -2 "$S/err" | tr "\n" " ")"
			bad=$((bad + 1))
		fi
		;;
	*)	# 1: the read that ends a file anyway
		clean_or_count "read $N ends early"
		;;
	esac
	rm -rf "$OUT"
done
[ "$bad" -eq 0 ]; ok $? "a payload file ending early: exit 74 with one message (65 for the manifest) and nothing left, or the clean results"
[ "$failed" -ge 10 ]; ok $? "most early ends fail the run ($failed of $(echo $calls | wc -w))"

done_testing
