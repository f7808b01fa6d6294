#!/bin/sh
# manpage.sh -- every example of docs/custrelease.1 (the .EX/.EE blocks)
# runs as written, from a scratch folder where samples/ is the shipped one:
# custrelease commands exit 0 or 1 (the samples hold rejections on purpose),
# verify exits 0, other commands 0.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

cd "$TMP" || exit 1
ln -s "$top_srcdir/samples" samples
sed -n '/^\.EX$/,/^\.EE$/p' "$top_srcdir/docs/custrelease.1" |
    grep -v '^\.E[XE]$' | sed 's/\\-/-/g; s/\\\\/\\/g' > examples
[ "$(wc -l < examples)" -ge 5 ]; ok $? "the man page has examples"
while IFS= read -r line; do
	case $line in
	custrelease\ verify*) want=0 ;;
	custrelease*) want=1 ;;
	*) want=0 ;;
	esac
	cmd=$(printf '%s\n' "$line" | sed "s|^custrelease |\"\$CUSTRELEASE\" |")
	rc=0
	eval "$cmd" > out 2> err || rc=$?
	[ "$rc" -le "$want" ]; ok $? "example: $line (exit $rc)"
done < examples
done_testing
