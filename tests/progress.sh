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

plan="'$CUSTRELEASE' plan --export '$TMP/g/export' --manifest '$TMP/g/manifest.csv'"
script -qec "$plan > /dev/null" "$TMP/tty.log" > /dev/null 2>&1
n=$(tr '\r' '\n' < "$TMP/tty.log" | grep -c 'custrelease: reading export: .* MB/s')
[ "$n" -ge 1 ]; ok $? "on a terminal: a progress line ($n updates)"
grep -q "$(printf '\033\\[K')" "$TMP/tty.log"; ok $? "the line is cleared at the end"

script -qec "$plan --quiet > /dev/null" "$TMP/quiet.log" > /dev/null 2>&1
! grep -q 'reading export' "$TMP/quiet.log"; ok $? "--quiet: no progress line"

"$CUSTRELEASE" plan --export "$TMP/g/export" --manifest "$TMP/g/manifest.csv" \
    2>&1 > /dev/null | cat > "$TMP/pipe.log"
! grep -q 'reading export' "$TMP/pipe.log"; ok $? "through a pipe: no progress line"

done_testing
