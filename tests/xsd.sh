#!/bin/sh
# xsd.sh -- the XML samples and fixtures validate against docs/export.xsd
# and docs/manifest.xsd (xmllint --schema).
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

if [ -z "$XMLLINT" ]; then
	skip "XSD validation" "no xmllint"
	done_testing
fi
for f in "$SAMPLES/export.xml" "$DATA"/xml/*export*.xml; do
	[ -f "$f" ] || continue
	"$XMLLINT" --noout --nonet --schema "$top_srcdir/docs/export.xsd" "$f" >"$TMP/err" 2>&1
	ok $? "${f#"$top_srcdir"/} valid against export.xsd"
done
for f in "$DATA"/xml/*manifest*.xml; do
	[ -f "$f" ] || continue
	"$XMLLINT" --noout --nonet --schema "$top_srcdir/docs/manifest.xsd" "$f" >"$TMP/err" 2>&1
	ok $? "${f#"$top_srcdir"/} valid against manifest.xsd"
done
# samples/manifest.xml holds four deliberately malformed requests (E_BAD_REQUEST
# is a row problem, not an input error): the schema must refuse exactly those.
if [ -f "$SAMPLES/manifest.xml" ]; then
	"$XMLLINT" --noout --nonet --schema "$top_srcdir/docs/manifest.xsd" "$SAMPLES/manifest.xml" >"$TMP/err" 2>&1
	n=$(grep -c 'fails to validate\|is not valid\|not accepted\|is required but missing\|Element.*attribute' "$TMP/err")
	[ "$n" -ge 4 ] && [ "$(grep -c '^.*manifest.xml:\(3[0-3]\|[0-9]*\):' "$TMP/err")" -ge 1 ]
	ok $? "samples/manifest.xml: the malformed requests are refused by manifest.xsd"
fi
# The schema must reject what the spec refuses.
printf '<export xmlns="urn:custrelease:export:1"><organization id="-bad" reseller="perhaps"/></export>\n' > "$TMP/bad.xml"
"$XMLLINT" --noout --nonet --schema "$top_srcdir/docs/export.xsd" "$TMP/bad.xml" >/dev/null 2>&1
[ $? -ne 0 ]; ok $? "export.xsd rejects a bad id and boolean"
done_testing
