#!/bin/sh
# hostile.sh -- hostile inputs (issue 6): each gets a clear error or a safe
# output, never a crash, a hang or a file outside OUT.  XXE, billion laughs,
# truncated XML, NUL bytes and archive bombs have their own tests
# (broken-input.sh, archive.sh); these are the rest of the corpus.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1
NOW=2026-12-01T02:00:00Z

# Deep nesting: 100,000 nested unknown elements (libxml2 caps the depth).
"$PYTHON3" -c '
import sys
d = 100000
sys.stdout.write("<export xmlns=\"urn:custrelease:export:1\">" + "<x>" * d + "</x>" * d + "</export>\n")
' > "$TMP/deep.xml"
cr check --export "$TMP/deep.xml"
expect_rc 65 "deep nesting: refused"
expect_err "deep.xml:[0-9]+: malformed XML" "deep nesting: message"

# Quadratic blowup: one big entity referenced many times -- a DTD, refused.
"$PYTHON3" -c '
import sys
e = "a" * 50000
sys.stdout.write("<?xml version=\"1.0\"?>\n<!DOCTYPE export [<!ENTITY a \"%s\">]>\n<export xmlns=\"urn:custrelease:export:1\"><organization id=\"o\"><name>%s</name></organization></export>\n" % (e, "&a;" * 50000))
' > "$TMP/quadratic.xml"
cr check --export "$TMP/quadratic.xml"
expect_rc 65 "quadratic blowup: refused"
expect_err "quadratic.xml:2: DTD" "quadratic blowup: the DTD is named"

# A 10 MB attribute, and a 10 MB field.
"$PYTHON3" -c '
import sys
sys.stdout.write("<export xmlns=\"urn:custrelease:export:1\"><organization id=\"" + "a" * 10000000 + "\"/></export>\n")
' > "$TMP/attr.xml"
cr check --export "$TMP/attr.xml"
expect_rc 65 "10 MB attribute: refused"
cp -r tests/data/clean "$TMP/bigfield"
"$PYTHON3" -c '
import sys
sys.stdout.write("id,customer_id,kind,name,status,expires_at\np-1,c-1,domain,\"" + "x" * 10000000 + "\",active,\n")
' > "$TMP/bigfield/products.csv"
cr check --export "$TMP/bigfield"
expect_rc 65 "10 MB quoted field: refused"
expect_err "products.csv:2: field larger than 1 MiB" "10 MB field: message"

# Overlong UTF-8 and encoded surrogates in a CSV field: a row problem.
cp -r tests/data/clean "$TMP/utf8"
printf 'id,customer_id,kind,name,status,expires_at\np-1,c-1,domain,\300\257x.example,active,\np-2,c-1,domain,\355\240\200.example,active,\np-3,c-2,domain,ok.example,active,\n' > "$TMP/utf8/products.csv"
cr check --export "$TMP/utf8"
expect_rc 1 "overlong UTF-8 and surrogates: row problems"
[ "$(grep -c 'invalid UTF-8 at byte offset 0' "$TMP/out")" -eq 2 ]
ok $? "both bad rows named, with the byte offset"

# A tar whose members climb out with "..": refused, nothing extracted.
mkdir -p "$TMP/t/a"
cp tests/data/clean/*.csv "$TMP/t/a/"
tar -cf "$TMP/dotdot.tar" -C "$TMP/t/a" organizations.csv customers.csv products.csv \
    --transform 's|^products.csv|../products.csv|' 2>/dev/null
cr run --export "$TMP/dotdot.tar" --manifest tests/data/clean/manifest.csv --out "$TMP/out1" --now $NOW
expect_rc 65 "tar with a ../ member: refused"
[ ! -e "$TMP/products.csv" ] && [ ! -e "$TMP/out1" ]; ok $? "nothing written anywhere"

# Formula cells and CR/LF in every field that reaches a file name or a
# mail header: refused or neutralized, never raw.
mkdir -p "$TMP/evil"
cp tests/data/clean/*.csv "$TMP/evil/"
cat > "$TMP/evil/customers.csv" <<'CSV'
id,reseller_id,type,firstname,lastname,orgname,email,streetaddr,streetaddr2,zip,city,state,country,phone,fax,lang,reference,status
c-1,org-1,individual,"Zoé
Bcc: victim@example.com",Durand,,zoe@durand.example,12 allée,,33000,Bordeaux,,FR,+33.612345678,,fr,,active
c-2,org-1,individual,=HYPERLINK(1),Müller,,"hans@mueller.example
Bcc: x@y.example",Hauptstraße 5,,10115,Berlin,,DE,+49.301234567,,de,,active
CSV
printf 'request_id,reseller_id,customer_id,requested_by\nr-1,org-1,c-1,=cmd|calc\nr-2,org-1,c-2,@SUM(1)\nr-3,org-1,../../etc/passwd,+x\n' > "$TMP/evil.csv"
cr run --export "$TMP/evil" --manifest "$TMP/evil.csv" --out "$TMP/out2" --now $NOW --quiet
expect_rc 1 "hostile fields: run committed, requests rejected"
RUN=$(ls -d "$TMP"/out2/2* | head -1)
grep -q '^r-1,2,c-1,org-1,'"'"'=cmd|calc,rejected,E_CONTACT_INVALID[;,]' "$RUN/decisions.csv"
ok $? "CR/LF in a name: E_CONTACT_INVALID, formula cell neutralized"
grep -q '^r-2,3,c-2,org-1,'"'"'@SUM(1),rejected,E_CONTACT_INVALID,' "$RUN/decisions.csv"
ok $? "CR/LF in an email: E_CONTACT_INVALID"
grep -q '^r-3,4,\.\./\.\./etc/passwd,org-1,'"'"'+x,rejected,E_BAD_REQUEST,' "$RUN/decisions.csv"
ok $? "a path as customer_id: E_BAD_REQUEST"
[ "$(ls "$RUN/emails" | wc -l)" -eq 0 ]; ok $? "no claim email for them"
n=$(find "$TMP" -newer "$TMP/evil.csv" -type f ! -path "$TMP/out2/*" ! -name out ! -name err | wc -l)
[ "$n" -eq 0 ]; ok $? "no file outside OUT"

done_testing
