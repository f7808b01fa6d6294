#!/bin/sh
# refs.sh -- every reference in the sources and docs resolves inside the
# repository: no citation of an outside contract ("SPEC 3") and no issue
# numbers, which a reader of a checkout cannot open.
. "${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/tests/setup"

cd "$top_srcdir" || exit 1
files=$(ls README.md Makefile.am configure.ac bootstrap src/*.[ch] src/*.def \
    docs/*.md docs/*.1 docs/*.xsd tests/*.sh tests/*.c tests/*.py tests/setup \
    fuzz/*.c fuzz/*.h fuzz/*.sh fuzz/README.md bench/* tools/* \
    samples/README.md 2>/dev/null)
[ -n "$files" ]
ok $? "there are files to look at"

grep -nE '\bSPEC\b' $files 2>/dev/null | grep -v '^tests/refs.sh:' > "$TMP/spec"
[ ! -s "$TMP/spec" ]
ok $? "no file cites SPEC (cite docs/format.md instead)"
head -5 "$TMP/spec"

grep -nE '\b[Ii]ssues? #?[0-9]+' $files 2>/dev/null | grep -v '^tests/refs.sh:' > "$TMP/issue"
[ ! -s "$TMP/issue" ]
ok $? "no file names an issue number"
head -5 "$TMP/issue"

# Docs describe what anyone can run from a checkout: no path that exists on
# one machine only (a home, the build host's work tree).
docs=$(ls README.md docs/*.md docs/*.1 samples/README.md fuzz/README.md)
grep -nE '(^|[ `"(=])/(work|home|root)/' $docs > "$TMP/paths"
[ ! -s "$TMP/paths" ]
ok $? "no doc names a machine-specific path"
head -5 "$TMP/paths"

# Every "format.md N.M" cited names a section that format.md has.
grep -ohE 'format\.md (§ ?)?[1-5](\.[0-9])?' $files | grep -oE '[1-5](\.[0-9])?$' |
    sort -u > "$TMP/cited"
bad=0
while read -r s; do
	grep -qE "^#+ $s\.? " docs/format.md || { echo "# no section $s"; bad=1; }
done < "$TMP/cited"
ok $bad "every cited section of docs/format.md exists"

done_testing
