#!/bin/sh
# verify.sh -- the audit bundle end to end (docs/format.md 4.2, 5): bundles written
# by tests/mkbundle (cr_bundle_write on the payload files of
# tests/data/bundle/) are byte-identical from one write to the next, pass
# `custrelease verify` and the independent tests/bag-check.py, and every
# tampering is found: an altered byte, a missing file, an extra file, an
# edited manifest line, a wrong Payload-Oxum, records that disagree with
# each other or with summary.json, and a bomb is stopped while expanding.
# Not a bundle: exit 65.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

: "${MKBUNDLE:=$top_builddir/tests/mkbundle}"
PAYLOAD=$DATA/bundle
RUN_ID=$(sed -n 's/.*"run_id": *"\([^"]*\)".*/\1/p' "$PAYLOAD/summary.json")
EPOCH=1796004000	# 2026-11-30T02:00:00Z, the run_time of summary.json
BAG=audit-$RUN_ID

# mk OUTPUT [PAYLOAD_DIR [FORMAT]]: write a bundle.
mk() {
	rm -f "$1"
	"$MKBUNDLE" -f "${3:-tar.gz}" "$RUN_ID" "$EPOCH" "${2:-$PAYLOAD}" "$1"
}

# bagcheck FILE: the independent checker's exit status in $bc.
bagcheck() {
	bc=0
	"$PYTHON3" "$top_srcdir/tests/bag-check.py" "$1" 2>"$TMP/bc.err" ||
	    bc=$?
}

# expect_out PATTERN DESCRIPTION: stdout of the last cr matches.
expect_out() {
	if grep -Eq -- "$1" "$TMP/out"; then
		ok 0 "$2"
	else
		ok 1 "$2: stdout does not match /$1/"
		sed 's/^/# stdout: /' "$TMP/out" | head -5
	fi
}

# unpack: a fresh copy of the good bundle's bag in $TMP/x/$BAG.
unpack() {
	rm -rf "$TMP/x"
	mkdir "$TMP/x"
	tar -xzf "$TMP/good.tar.gz" -C "$TMP/x"
}

# repack NAME: $TMP/x back into $TMP/NAME.tar.gz.
repack() {
	tar -C "$TMP/x" -czf "$TMP/$1.tar.gz" "$BAG"
}

# payload: a copy of the payload files in $TMP/p, to edit before mk.
payload() {
	rm -rf "$TMP/p"
	cp -R "$PAYLOAD" "$TMP/p"
}

# --- a good bundle -----------------------------------------------------------
mk "$TMP/good.tar.gz"
ok $? "mkbundle writes a tar.gz bundle"
mk "$TMP/again.tar.gz"
cmp -s "$TMP/good.tar.gz" "$TMP/again.tar.gz"
ok $? "two writes of the same inputs are byte-identical (tar.gz)"

mkdir "$TMP/cwd"
(cd "$TMP/cwd" && "$CUSTRELEASE" verify "$TMP/good.tar.gz") \
    >"$TMP/out" 2>"$TMP/err" && rc=0 || rc=$?
expect_rc 0 "verify accepts the bundle"
expect_out "^verify: OK$" "verify says OK"
[ ! -s "$TMP/err" ]
ok $? "verify prints no problem"
[ -z "$(ls -A "$TMP/cwd")" ]
ok $? "verify extracts nothing to disk"

mk "$TMP/good.zip" "$PAYLOAD" zip
ok $? "mkbundle writes a zip bundle"
TZ=Asia/Tokyo mk "$TMP/again.zip" "$PAYLOAD" zip
cmp -s "$TMP/good.zip" "$TMP/again.zip"
ok $? "two writes of the same inputs are byte-identical (zip, any TZ)"
cr verify "$TMP/good.zip"
expect_rc 0 "verify accepts the zip bundle"

if [ -n "$PYTHON3" ]; then
	bagcheck "$TMP/good.tar.gz"
	ok $bc "bag-check.py accepts the tar.gz bag"
	bagcheck "$TMP/good.zip"
	ok $bc "bag-check.py accepts the zip bag"
else
	skip "bag-check.py on tar.gz" "no python3"
	skip "bag-check.py on zip" "no python3"
fi

if tar -tzf "$TMP/good.tar.gz" | grep -q "^$BAG/data/report.html$"; then
	ok 0 "the bag holds data/report.html"
else
	ok 1 "the bag holds data/report.html"
fi

# report.html rendered offline by headless Chromium, where installed; the
# screenshot is kept as a test artefact (tests/report-screenshot.png).
: "${CHROMIUM:=$(command -v chromium || command -v chromium-browser || true)}"
if [ -n "$CHROMIUM" ] && command -v "$CHROMIUM" >/dev/null; then
	mkdir "$TMP/html"
	tar -xzf "$TMP/good.tar.gz" -C "$TMP/html" "$BAG/data/report.html"
	shot=$top_builddir/tests/report-screenshot.png
	rm -f "$shot"
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --hide-scrollbars --window-size=1280,2400 --screenshot="$shot" \
	    "file://$TMP/html/$BAG/data/report.html" >/dev/null 2>&1
	[ -s "$shot" ] && [ "$(head -c 4 "$shot" | tail -c 3)" = PNG ]
	ok $? "headless Chromium renders report.html ($shot)"
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --dump-dom "file://$TMP/html/$BAG/data/report.html" \
	    >"$TMP/dom.html" 2>/dev/null
	grep -q "Outcomes and codes" "$TMP/dom.html" &&
	    grep -q "<svg" "$TMP/dom.html" &&
	    grep -q "nightly &lt;script&gt;" "$TMP/dom.html"
	ok $? "the rendered page has its chart and its text stays text"
else
	skip "headless Chromium renders report.html" "no chromium"
	skip "the rendered page has its chart and its text stays text" \
	    "no chromium"
fi

# --- tampering -----------------------------------------------------------------
# tampered NAME PATTERN DESCRIPTION: verify finds it (exit 1, message),
# and so does bag-check.py unless NAME ends in "-records".
tampered() {
	cr verify "$TMP/$1.tar.gz"
	expect_rc 1 "$3: verify"
	expect_err "$2" "$3: the problem is named"
	expect_out "^verify: [0-9]+ problems?$" "$3: problems counted"
	case $1 in
	*-records) ;;
	*)
		if [ -n "$PYTHON3" ]; then
			bagcheck "$TMP/$1.tar.gz"
			[ "$bc" -eq 1 ]
			ok $? "$3: bag-check.py finds it too"
		fi
		;;
	esac
}

unpack
sed -i 's/ticket ACME-7/ticket ACME-9/' "$TMP/x/$BAG/data/decisions.csv"
repack byte
tampered byte "^custrelease: .*byte\.tar\.gz: data/decisions\.csv: checksum differs" \
    "one altered byte"

unpack
rm "$TMP/x/$BAG/data/shares.csv"
repack missing
tampered missing "data/shares\.csv: listed in manifest-sha256\.txt but missing" \
    "a missing file"

unpack
echo "slipped in" >"$TMP/x/$BAG/data/extra.txt"
repack extra
tampered extra "data/extra\.txt: not listed in manifest-sha256\.txt" \
    "an extra file"

unpack
sed -i 's/^[0-9a-f]\{8\}\(.*  data\/summary.json\)$/00000000\1/' \
    "$TMP/x/$BAG/manifest-sha256.txt"
repack manifest
tampered manifest "data/summary\.json: checksum differs from manifest-sha256\.txt" \
    "an edited manifest line"
expect_err "manifest-sha256\.txt: checksum differs from tagmanifest-sha256\.txt" \
    "an edited manifest line: the tag manifest disagrees"

unpack
sed -i 's/^Payload-Oxum: \([0-9]*\)\./Payload-Oxum: 1\1./' \
    "$TMP/x/$BAG/bag-info.txt"
repack oxum
tampered oxum "bag-info\.txt: Payload-Oxum 1[0-9]+\.14, but the payload holds" \
    "a wrong Payload-Oxum"

unpack
mkdir "$TMP/x/other"
echo x >"$TMP/x/other/file"
tar -C "$TMP/x" -czf "$TMP/outside.tar.gz" "$BAG" other
cr verify "$TMP/outside.tar.gz"
expect_rc 1 "a file outside the bag directory"
expect_err "other/file: outside the bag directory" \
    "a file outside the bag directory is named"

# A damaged archive: cut short after bagit.txt (a large payload file
# keeps the cut away from the first entries), or before anything could
# be read (then it cannot be told from a file that is not a bundle).
payload
head -c 3000000 /dev/urandom >"$TMP/p/big.bin"
mk "$TMP/big.tar.gz" "$TMP/p"
size=$(wc -c <"$TMP/big.tar.gz")
head -c $((size / 2)) "$TMP/big.tar.gz" >"$TMP/cut.tar.gz"
cr verify "$TMP/cut.tar.gz"
expect_rc 1 "a truncated archive"
expect_err "archive damaged" "a truncated archive: says so"
expect_err "manifest-sha256\.txt: missing" \
    "a truncated archive: what could not be read is missing"
head -c 100 "$TMP/good.tar.gz" >"$TMP/cut.tar.gz"
cr verify "$TMP/cut.tar.gz"
expect_rc 65 "an archive cut before its first entry"

# The zip form, one file altered (rewritten with Python's zipfile).
if [ -n "$PYTHON3" ]; then
	"$PYTHON3" - "$TMP/good.zip" "$TMP/byte.zip" <<'PY'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w") as zo:
    for info in zi.infolist():
        data = zi.read(info)
        if info.filename.endswith("/data/customers.csv"):
            data = data.replace(b"fr,", b"de,")
        zo.writestr(info, data)
PY
	cr verify "$TMP/byte.zip"
	expect_rc 1 "zip: one altered file"
	expect_err "data/customers\.csv: checksum differs" \
	    "zip: the altered file is named"
else
	skip "zip: one altered file" "no python3"
	skip "zip: the altered file is named" "no python3"
fi

# Records that disagree, in a bag whose checksums are all right.
payload
sed -i 's/"released": 3/"released": 4/' "$TMP/p/summary.json"
mk "$TMP/counts-records.tar.gz" "$TMP/p"
tampered counts-records "data/summary\.json: counts\.released is 4, the records say 3" \
    "summary counts disagree with decisions.csv"

payload
sed -i 's/"W_NO_PRODUCTS": 1/"W_NO_PRODUCTS": 2/' "$TMP/p/summary.json"
mk "$TMP/codes-records.tar.gz" "$TMP/p"
tampered codes-records "counts\.codes\.W_NO_PRODUCTS is 2, the records say 1" \
    "summary code counts disagree with decisions.csv"

payload
rm "$TMP/p/emails/c-4.eml"
mk "$TMP/noemail-records.tar.gz" "$TMP/p"
tampered noemail-records "data/emails/c-4\.eml: missing: the claim email of request \"rq-4\"" \
    "a released customer without a claim email"

payload
sed -i 's/zo\(é\)-café.example","customer_id":"c-2"/zoe-cafe.example","customer_id":"c-2"/' \
    "$TMP/p/ownership.jsonl"
mk "$TMP/jsonl-records.tar.gz" "$TMP/p"
tampered jsonl-records "data/ownership\.jsonl: line 3: differs from ownership\.csv line 4 \(name\)" \
    "ownership.jsonl disagrees with ownership.csv"

payload
sed -i '/^[^,]*,rq-1,p-2,/d' "$TMP/p/ownership.csv"
mk "$TMP/ownrow-records.tar.gz" "$TMP/p"
tampered ownrow-records "data/ownership\.jsonl: 4 records, ownership\.csv has 3" \
    "an ownership row missing from ownership.csv"

payload
sed -i 's/^c-4,rq-4,/c-7,rq-4,/' "$TMP/p/customers.csv"
mk "$TMP/cust-records.tar.gz" "$TMP/p"
tampered cust-records "data/decisions\.csv: line 6: released request \"rq-4\" has no customers\.csv row" \
    "a released request without its customers.csv row"

payload
sed -i 's/REDACTED/Zm9vYmFyYmF6cXV1eGNvcmdlZ3JhdWx0Z2FycGx5/' \
    "$TMP/p/emails/c-2.eml"
mk "$TMP/token-records.tar.gz" "$TMP/p"
tampered token-records "data/emails/c-2\.eml: no REDACTED claim link" \
    "an email with a claim token"

payload
sed -i 's/^c-1,rq-1,jean@dupont-bakery.example,/c-1,rq-1,evil@attacker.example,/' \
    "$TMP/p/customers.csv"
mk "$TMP/to-records.tar.gz" "$TMP/p"
tampered to-records "data/emails/c-1\.eml: To is not the email of customers\.csv line 2" \
    "customers.csv and the claim email name other addresses"

payload
sed -i '/^To: /d' "$TMP/p/emails/c-2.eml"
mk "$TMP/noto-records.tar.gz" "$TMP/p"
tampered noto-records "data/emails/c-2\.eml: no To header" \
    "a claim email without a To header"

payload
sed -i 's/^\(c-4,.*\),2026-12-14T02:00:00Z/\1,2027-12-14T02:00:00Z/' \
    "$TMP/p/customers.csv"
mk "$TMP/exp-records.tar.gz" "$TMP/p"
tampered exp-records "data/customers\.csv: line 4: claim_expires_at 2027-12-14T02:00:00Z is not the run time plus claim_ttl_days \(2026-12-14T02:00:00Z\)" \
    "claim_expires_at is not the run time plus the TTL"

payload
{ sed -n 1p "$PAYLOAD/customers.csv"; sed -n 3p "$PAYLOAD/customers.csv"
  sed -n 2p "$PAYLOAD/customers.csv"; sed -n '4,$p' "$PAYLOAD/customers.csv"
} >"$TMP/p/customers.csv"
mk "$TMP/sort-records.tar.gz" "$TMP/p"
tampered sort-records "data/customers\.csv: line 3: rows not sorted by customer_id" \
    "rows out of their sort order"

# Records against the manifest the bag holds (verify-manifest.c).
payload
sed -i 's/,rq-1,\(p-[12]\),\(.*\),account:jdupont,/,rq-1,\1,\2,new-account,/' \
    "$TMP/p/ownership.csv"
sed -i 's/"to":"account:jdupont"/"to":"new-account"/' "$TMP/p/ownership.jsonl"
mk "$TMP/to-man-records.tar.gz" "$TMP/p"
tampered to-man-records "data/ownership\.csv: line 2: to is not account:jdupont, as the manifest and the codes say" \
    "ownership not to the manifest's import_to"

payload
sed -i '/^p-1,/d' "$TMP/p/shares.csv"
mk "$TMP/grant-records.tar.gz" "$TMP/p"
tampered grant-records "data/shares\.csv: no grant of domain \"p-1\" \(ownership\.csv line 2\) to the request's quickshare_to" \
    "a quickshare domain without its grant"

payload
sed -i 's/^p-1,dupont-bakery.example,acme-admin,/p-1,dupont-bakery.example,someone-else,/' \
    "$TMP/p/shares.csv"
mk "$TMP/grantee-records.tar.gz" "$TMP/p"
tampered grantee-records "data/shares\.csv: line 2: username is not the request's quickshare_to" \
    "a grant to another username"

payload
sed -i '3s/,jean@dupont-bakery\.example/,evil@attacker.example/' \
    "$TMP/p/contact_updates.csv"
mk "$TMP/cu-records.tar.gz" "$TMP/p"
tampered cu-records "data/contact_updates\.csv: line 3: new_email is not the customer's email" \
    "a replaced contact given another address"

payload
sed -i '2s/,2026-12-14T02:00:00Z/,10000-01-14T23:59:59/' "$TMP/p/customers.csv"
mk "$TMP/exp-records.tar.gz" "$TMP/p"
tampered exp-records "data/customers\.csv: line 2: claim_expires_at 10000-01-14T23:59:59 is not a UTC time" \
    "a claim expiry past year 9999, without Z"

payload
printf '%s\n' "$RUN_ID" | sed 's/-.*/-ffffffff/' >"$TMP/otherid"
"$MKBUNDLE" "$(cat "$TMP/otherid")" "$EPOCH" "$TMP/p" "$TMP/id-records.tar.gz"
tampered id-records "data/summary\.json: run_id $RUN_ID is not the External-Identifier" \
    "summary.json of another run"

# A bomb: the good bag plus a 300 MiB file of zeros (about 300 KB of
# gzip).  verify stops expanding it past 64 MiB + 100 times what it read,
# instead of hashing 300 MiB (or 256 GiB) and keeping tag files in memory.
if [ -n "$PYTHON3" ]; then
	unpack
	"$PYTHON3" - "$TMP/x" "$BAG" "$TMP/bomb.tar.gz" <<'PY'
import io, os, sys, tarfile
class Zeros(io.RawIOBase):
    def __init__(self, n): self.n = n
    def readable(self): return True
    def readinto(self, b):
        k = min(len(b), self.n); b[:k] = bytes(k); self.n -= k; return k
top, bag, out = sys.argv[1:]
with tarfile.open(out, "w:gz", compresslevel=1) as t:
    t.add(os.path.join(top, bag), bag)
    info = tarfile.TarInfo(bag + "/tag-bomb.txt")
    info.size = 300 << 20
    t.addfile(info, io.BufferedReader(Zeros(info.size)))
PY
	cr verify "$TMP/bomb.tar.gz"
	expect_rc 1 "a bundle that expands 1000 times: problems"
	expect_err "\(archive\): expands to more than 64 MiB plus 100 times its size" \
	    "a bundle that expands 1000 times: stopped"
else
	skip "a bundle that expands 1000 times: problems" "no python3"
	skip "a bundle that expands 1000 times: stopped" "no python3"
fi

# --- not a bundle, usage -----------------------------------------------------------
printf 'hello\n' >"$TMP/text.tar.gz"
cr verify "$TMP/text.tar.gz"
expect_rc 65 "a text file is not a bundle"
expect_err "not an audit bundle" "a text file: says why"

mkdir -p "$TMP/nobag/dir"
echo x >"$TMP/nobag/dir/file.txt"
tar -C "$TMP/nobag" -czf "$TMP/nobag.tar.gz" dir
cr verify "$TMP/nobag.tar.gz"
expect_rc 65 "an archive without bagit.txt is not a bundle"
expect_err "no bagit\.txt" "no bagit.txt: says why"

cr verify "$TMP/does-not-exist.tar.gz"
expect_rc 65 "a missing file"

cr verify
expect_rc 2 "verify without an operand"
cr verify "$TMP/good.tar.gz" "$TMP/good.zip"
expect_rc 2 "verify with two operands"

done_testing
