#!/bin/sh
# manpage.sh -- every example of docs/custrelease.1 (the .EX/.EE blocks)
# runs as written, from a scratch folder where samples/ is the shipped one:
# custrelease commands exit 0 or 1 (the samples hold rejections on purpose),
# verify exits 0, other commands 0.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

# The examples must work with the built-in templates alone.
unset CUSTRELEASE_TEMPLATES
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

# The built-in templates are templates/ byte for byte; a directory overrides.
run_emails() {
	rm -rf "$TMP/o"
	"$CUSTRELEASE" run --export "$SAMPLES/export" \
	    --manifest "$SAMPLES/manifest.csv" --out "$TMP/o" \
	    --now 2026-12-01T02:00:00Z --token-key "$SAMPLES/token.key" \
	    "$@" > /dev/null 2>&1
	cat "$TMP"/o/*/emails/*.eml
}
run_emails > builtin.eml
run_emails --templates "$top_srcdir/templates" > dir.eml
[ -s builtin.eml ] && cmp -s builtin.eml dir.eml
ok $? "built-in templates give the emails of --templates templates/"
mkdir tpl && cp "$top_srcdir"/templates/en.* tpl/ &&
    sed 's/^Hello/Howdy/' "$top_srcdir/templates/en.txt" > tpl/en.txt
CUSTRELEASE_TEMPLATES=$TMP/tpl run_emails > env.eml
grep -q Howdy env.eml
ok $? "\$CUSTRELEASE_TEMPLATES overrides the built-in templates"
rc=0
CUSTRELEASE_TEMPLATES=$TMP/tpl "$CUSTRELEASE" run --export "$SAMPLES/export" \
    --manifest "$SAMPLES/manifest.csv" --out "$TMP/o2" \
    --templates "$TMP/none" > out 2> err || rc=$?
[ "$rc" -eq 2 ] && grep -q "none" err
ok $? "--templates DIR wins over the environment (missing: exit 2)"
done_testing
