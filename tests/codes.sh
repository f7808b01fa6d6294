#!/bin/sh
# codes.sh -- the one table of decision codes (src/codes.def) and the
# documents that list them: docs/format.md's table holds exactly its
# codes, in its order, with its meanings; so does the man page's DECISION
# CODES section; samples/README.md shows every code and names no other;
# and no source file spells a code that the table does not have.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

# name<TAB>meaning, one line per code of the table
sed -n '/^CR_CODE(/{N;s/^CR_CODE(\([A-Z_]*\), [0-9],\n *"\(.*\)")$/\1\t\2/p}' \
    src/codes.def | sed 's/\\"/"/g' >"$TMP/def"
[ "$(wc -l <"$TMP/def")" -eq 21 ]
ok $? "codes.def holds 21 codes"

sed -n 's/^| `\([ESW]_[A-Z_]*\)` | [a-z]* | \(.*\) |$/\1\t\2/p' docs/format.md |
    tr -d '`' >"$TMP/format"
expect_same "$TMP/def" "$TMP/format" "docs/format.md's table is codes.def"

sed -n '/^\.SH DECISION CODES/,/^\.SH/p' docs/custrelease.1 |
    sed -n '/^\.B [ESW]_/{s/^\.B //;N;s/\n/\t/;s/\\-/-/g;p}' >"$TMP/man"
expect_same "$TMP/def" "$TMP/man" "the man page's DECISION CODES are codes.def"

cut -f1 "$TMP/def" | sort >"$TMP/names"
grep -o '\b[ESW]_[A-Z][A-Z_]*[A-Z]\b' samples/README.md | sort -u >"$TMP/readme"
expect_same "$TMP/names" "$TMP/readme" \
    "samples/README.md shows every code and no other"

# Every string literal in src that looks like a code is one.
grep -ho '"[ESW]_[A-Z][A-Z_]*[A-Z]"' src/*.c | tr -d '"' | sort -u >"$TMP/src"
[ -s "$TMP/src" ] && [ -z "$(comm -23 "$TMP/src" "$TMP/names")" ]
ok $? "every code spelled in src/*.c is in codes.def"

# The binary draws its names from the table: plan's JSON lists them.
cr plan --export samples/export --manifest samples/manifest.csv \
    --now 2026-12-01T02:00:00Z --json
grep -o '"[ESW]_[A-Z_]*"' "$TMP/out" | tr -d '"' | sort -u >"$TMP/plan"
[ -s "$TMP/plan" ] && [ -z "$(comm -23 "$TMP/plan" "$TMP/names")" ]
ok $? "plan names only codes of the table"

done_testing
