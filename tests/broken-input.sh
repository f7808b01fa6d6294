#!/bin/sh
# broken-input.sh -- file-level faults (docs/format.md 2.1 "input errors"): each broken
# fixture of tests/data/broken/ replaces one file of the clean export
# (tests/data/clean/); check must exit 65 with custrelease: FILE:LINE: and a
# message saying what was wrong, and write nothing.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

# case  expected stderr (ERE)
while read -r name pattern; do
	[ -n "$name" ] || continue
	f=$(ls "$DATA/broken/$name".* 2>/dev/null | head -1)
	file=${f##*/}
	file=${file#"$name".}
	case $file in
	*.xml)
		mkdir -p "$TMP/$name"
		cp "$f" "$TMP/$name/$file"
		export_path=$TMP/$name/$file ;;
	*)
		cp -r "$DATA/clean" "$TMP/$name"
		cp "$f" "$TMP/$name/$file"
		export_path=$TMP/$name ;;
	esac
	before=$(ls -A "$TMP/$name" | wc -l)
	cr check --export "$export_path"
	expect_rc 65 "$name"
	expect_err "^custrelease: .*$pattern" "$name: message"
	after=$(ls -A "$TMP/$name" | wc -l)
	[ "$before" -eq "$after" ]; ok $? "$name: nothing written"
done <<'CASES'
unterminated-quote	customers.csv:2: .*unterminated
missing-column	customers.csv:1: missing required column "status"
header-utf8	products.csv:1: .*UTF-8
nul-byte	products.csv:3: NUL byte
dup-header	products.csv:1: duplicate column "kind"
stray-quote	products.csv:2: .*quot
empty	organizations.csv:[01]: .*(empty|header)
xxe	xxe.export.xml:2: DTD .* refused
billion-laughs	billion-laughs.export.xml:2: DTD .* refused
truncated	truncated.export.xml:[0-9]+: malformed XML
invalid-utf8	invalid-utf8.export.xml:[0-9]+: malformed XML
CASES

# A field over the 1 MiB cap.
cp -r "$DATA/clean" "$TMP/bigfield"
{
	echo "id,customer_id,kind,name,status,expires_at"
	printf 'p-1,c-1,domain,'
	head -c 2097152 /dev/zero | tr '\0' a
	echo ",active,"
} > "$TMP/bigfield/products.csv"
cr check --export "$TMP/bigfield"
expect_rc 65 "2 MiB field"
expect_err "products.csv:2: .*1 MiB" "2 MiB field: message"

# A manifest that cannot be read is an input error too.
cr check --export "$DATA/clean" --manifest "$DATA/broken/unterminated-quote.customers.csv"
expect_rc 65 "manifest with broken quoting"

cr check --export "$TMP/does-not-exist"
expect_rc 65 "missing export"
expect_err "does-not-exist:0: cannot open export" "missing export: message"

done_testing
