#!/bin/sh
# progress.sh -- the progress line (docs/format.md 5): drawn on stderr when
# stderr is a terminal, silenced by --quiet, never through a pipe (cron).
# The terminal is script(1)'s pseudo-terminal.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

if ! command -v script > /dev/null || [ -z "$PYTHON3" ]; then
	skip "progress line" "needs script(1) and python3"
	done_testing
fi
"$PYTHON3" tests/gen-crash-export.py "$TMP/g" 5000 100 > /dev/null
ok $? "generate a 5,000-customer export"

# Each plan writes its exit status and table to files, so that a check for
# "no progress line" also proves that the command ran to its end.
plan="'$CUSTRELEASE' plan --export '$TMP/g/export' --manifest '$TMP/g/manifest.csv'"
script -qec "$plan > '$TMP/tty.out'; echo \$? > '$TMP/tty.rc'" "$TMP/tty.log" > /dev/null 2>&1
n=$(tr '\r' '\n' < "$TMP/tty.log" | grep -c 'custrelease: reading export: .* MB/s')
[ "$n" -ge 1 ]; ok $? "on a terminal: a progress line ($n updates)"
grep -q "$(printf '\033\\[K')" "$TMP/tty.log"; ok $? "the line is cleared at the end"
[ "$(cat "$TMP/tty.rc")" -le 1 ] && [ -s "$TMP/tty.out" ]
ok $? "on a terminal: plan ran to its end (exit $(cat "$TMP/tty.rc"))"

script -qec "$plan --quiet > '$TMP/quiet.out'; echo \$? > '$TMP/quiet.rc'" "$TMP/quiet.log" > /dev/null 2>&1
[ "$(cat "$TMP/quiet.rc")" = "$(cat "$TMP/tty.rc")" ] &&
    cmp -s "$TMP/quiet.out" "$TMP/tty.out"
ok $? "--quiet: plan ran, with the same exit status and table"
! grep -q 'reading export' "$TMP/quiet.log"; ok $? "--quiet: no progress line"

"$CUSTRELEASE" plan --export "$TMP/g/export" --manifest "$TMP/g/manifest.csv" \
    2> "$TMP/pipe.log" | cat > "$TMP/pipe.out"
[ -s "$TMP/pipe.out" ] && cmp -s "$TMP/pipe.out" "$TMP/tty.out"
ok $? "through a pipe: plan ran and printed its table"
! grep -q 'reading export' "$TMP/pipe.log"; ok $? "through a pipe: no progress line"

done_testing
