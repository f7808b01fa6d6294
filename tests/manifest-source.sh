#!/bin/sh
# manifest-source.sh -- the manifest is read from its source exactly once:
# a file, "-" (standard input), /dev/stdin on a pipe, or a FIFO, in CSV
# and in XML, give the same records as the file; what is not a regular
# file is spooled under $TMPDIR and the spool leaves no trace; a FIFO
# whose writer never comes blocks before OUT is touched (no lock, no
# .tmp-); a directory is an input error.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

NOW=2026-12-01T02:00:00Z
cp samples/token.key "$TMP/key" && chmod 600 "$TMP/key"
mkdir "$TMP/spool"
export TMPDIR="$TMP/spool"

# run_to OUT [ARGS...]: run on the samples' export into OUT.
run_to() {
	o=$1; shift
	cr run --export samples/export --out "$o" --now $NOW \
	    --token-key "$TMP/key" --quiet "$@"
}

# same_records A B WHAT: the records of two runs are byte-identical.
same_records() {
	d=0
	for f in decisions.csv ownership.csv ownership.jsonl customers.csv \
	    shares.csv contact_updates.csv; do
		cmp -s "$1"/*/"$f" "$2"/*/"$f" || { echo "# $f differs"; d=1; }
	done
	diff -r "$1"/*/emails "$2"/*/emails > /dev/null || d=1
	ok $d "$3: the same records and emails as from the file"
}

for form in csv xml; do
	m=samples/manifest.$form
	run_to "$TMP/file-$form" --manifest $m
	expect_rc 1 "$form from a file"

	cat $m | run_to "$TMP/pipe-$form" --manifest -
	expect_rc 1 "$form from a pipe as -"
	same_records "$TMP/file-$form" "$TMP/pipe-$form" "$form from a pipe as -"

	run_to "$TMP/redir-$form" --manifest - < $m
	expect_rc 1 "$form from a file on standard input as -"
	same_records "$TMP/file-$form" "$TMP/redir-$form" "$form on stdin"

	cat $m | run_to "$TMP/devstdin-$form" --manifest /dev/stdin
	expect_rc 1 "$form from a pipe as /dev/stdin"
	same_records "$TMP/file-$form" "$TMP/devstdin-$form" "$form /dev/stdin"
	cr verify "$TMP/devstdin-$form"/*/audit-*
	expect_rc 0 "$form from a pipe: verify accepts the bundle"

	mkfifo "$TMP/fifo.$form"
	cat $m > "$TMP/fifo.$form" &
	run_to "$TMP/fifo-$form" --manifest "$TMP/fifo.$form"
	expect_rc 1 "$form from a FIFO named *.$form"
	wait
	same_records "$TMP/file-$form" "$TMP/fifo-$form" "$form from a FIFO"
	rm -f "$TMP/fifo.$form"

	cat $m | cr plan --export samples/export --manifest - --now $NOW
	expect_rc 1 "plan: $form from a pipe"
	cat $m | cr check --export samples/export --manifest -
	expect_rc 1 "check: $form from a pipe (the samples' problems)"
	grep -q "^stdin:[0-9]*: " "$TMP/out"
	ok $? "check: the manifest's problems name it stdin"
done

[ -z "$(ls -A "$TMP/spool")" ]; ok $? "no spool file is left under TMPDIR"

# A FIFO whose writer never comes: blocked before OUT exists, so when it
# is killed nothing holds OUT and the next run works.
mkfifo "$TMP/never.xml"
timeout 2 "$CUSTRELEASE" run --export samples/export --manifest "$TMP/never.xml" \
    --out "$TMP/never" --now $NOW --token-key "$TMP/key" --quiet \
    > /dev/null 2>&1
[ $? -eq 124 ]; ok $? "a FIFO without a writer blocks until killed"
[ ! -e "$TMP/never" ]; ok $? "... before OUT is created"
run_to "$TMP/never" --manifest samples/manifest.xml
expect_rc 1 "the next run on that OUT works"

cr run --export samples/export --manifest samples --out "$TMP/dir" --now $NOW
expect_rc 65 "a directory as the manifest"
expect_err "samples:0: a directory, not a manifest" "the directory is named"
[ ! -e "$TMP/dir" ]; ok $? "a directory as the manifest: OUT is not created"
cr check --export samples/export --manifest samples
expect_rc 65 "check: a directory as the manifest"

done_testing
