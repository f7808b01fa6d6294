#!/bin/sh
# verify-emails.sh -- verify keeps the files under data/emails/ on disk,
# sorted by path, not in memory (docs/audit.md "What verify holds in
# memory"), and checks them by merging sorted streams: against each
# payload manifest both ways, against the records, against a replay, and
# for a second archive entry of the same path.  Each tampering is run
# twice, with the default memory budget and with CUSTRELEASE_VERIFY_MEM=256
# (every sort spills runs of a few records and merges them), and the two
# must print the same problems, byte for byte, in the same order.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

NOW=2026-12-01T02:00:00Z
cr run --export samples/export --manifest samples/manifest.csv \
    --out "$TMP/o" --now $NOW --token-key "$SAMPLE_KEY" --quiet
expect_rc 1 "the samples' run"
RUNID=$(ls "$TMP/o")
BAG=audit-$RUNID
BUNDLE=$TMP/o/$RUNID/$BAG.tar.gz

# unpack: a fresh copy of the bag in $TMP/x/$BAG.
unpack() {
	rm -rf "$TMP/x"
	mkdir "$TMP/x"
	tar -xzf "$BUNDLE" -C "$TMP/x"
	X=$TMP/x/$BAG
}

# both NAME TARGET: verify TARGET with the default budget and with a
# budget of 256 bytes; the first's stderr in $TMP/NAME.err, its status
# in $rc; fails unless both print the same.
both() {
	rc=0
	"$CUSTRELEASE" verify "$2" > "$TMP/$1.out" 2> "$TMP/$1.err" || rc=$?
	rc2=0
	CUSTRELEASE_VERIFY_MEM=256 "$CUSTRELEASE" verify "$2" \
	    > "$TMP/$1.out2" 2> "$TMP/$1.err2" || rc2=$?
	[ "$rc" -eq "$rc2" ] && cmp -s "$TMP/$1.err" "$TMP/$1.err2" &&
	    cmp -s "$TMP/$1.out" "$TMP/$1.out2"
	ok $? "$1: the same verdict and problems when every sort spills"
	diff "$TMP/$1.err" "$TMP/$1.err2" | head -5 | sed 's/^/# /'
}

# has NAME LINE...: each LINE is a line of NAME's stderr (after the
# "custrelease: BUNDLE: " prefix).
has() {
	_name=$1
	shift
	for _l in "$@"; do
		sed 's/^custrelease: [^:]*: //' "$TMP/$_name.err" |
		    grep -Fqx -- "$_l"
		ok $? "$_name: says \"$_l\""
	done
}

both good "$BUNDLE"
[ "$rc" -eq 0 ] && [ ! -s "$TMP/good.err" ]
ok $? "the run's bundle verifies, nothing on stderr"
unpack
both good-dir "$X"
[ "$rc" -eq 0 ]; ok $? "so does its extracted bag (exit $rc)"

# --- each email problem -------------------------------------------------------
unpack
printf 'x' >> "$X/data/emails/c-1002.eml"
both altered "$X"
[ "$rc" -eq 1 ]; ok $? "altered: rejected (exit $rc)"
has altered \
    "data/emails/c-1002.eml: checksum differs from manifest-sha256.txt (altered file or manifest)" \
    "bag-info.txt: Payload-Oxum $(sed -n 's/^Payload-Oxum: //p' "$X/bag-info.txt" | tr -d '\r'), but the payload holds $(( $(sed -n 's/^Payload-Oxum: \([0-9]*\)\..*/\1/p' "$X/bag-info.txt") + 1 )) octets in $(sed -n 's/^Payload-Oxum: [0-9]*\.\([0-9]*\).*/\1/p' "$X/bag-info.txt" | tr -d '\r') files"

unpack
cp "$X/data/emails/c-1001.eml" "$X/data/emails/c-9999.eml"
mkdir "$X/data/emails/sub"
echo note > "$X/data/emails/readme.txt"
echo note > "$X/data/emails/sub/a.eml"
both extra "$X"
has extra \
    "data/emails/c-9999.eml: not listed in manifest-sha256.txt (extra file)" \
    "data/emails/readme.txt: not listed in manifest-sha256.txt (extra file)" \
    "data/emails/sub/a.eml: not listed in manifest-sha256.txt (extra file)" \
    "data/emails/c-9999.eml: customer \"c-9999\" was not released (decisions.csv)" \
    "data/emails/readme.txt: not an emails/CUSTOMER_ID.eml file" \
    "data/emails/sub/a.eml: not an emails/CUSTOMER_ID.eml file"

unpack
rm "$X/data/emails/c-1003.eml"
sed -n '/data\/emails\/c-1001.eml$/p' "$X/manifest-sha256.txt" \
    >> "$X/manifest-sha256.txt"
line=$(wc -l < "$X/manifest-sha256.txt" | tr -d ' ')
both listed "$X"
has listed \
    "data/emails/c-1003.eml: listed in manifest-sha256.txt but missing" \
    "manifest-sha256.txt: line $line: data/emails/c-1001.eml listed twice"

# order NAME FIRST SECOND: in NAME's stderr, a line ending in FIRST comes
# before one ending in SECOND.
order() {
	_a=$(grep -nF -- "$2" "$TMP/$1.err" | head -1 | cut -d: -f1)
	_b=$(grep -nF -- "$3" "$TMP/$1.err" | head -1 | cut -d: -f1)
	[ -n "$_a" ] && [ -n "$_b" ] && [ "$_a" -lt "$_b" ]
	ok $? "$1: \"$2\" is said before \"$3\""
}

# An email the manifest lacks, sorting just before one it lists wrongly:
# the line's problem still comes first (a manifest's problems: its lines
# in line order, then the files it lacks).
unpack
cp "$X/data/emails/c-1001.eml" "$X/data/emails/c-1001.eml.x"
printf 'x' >> "$X/data/emails/c-1002.eml"
both near "$X"
order near "c-1002.eml: checksum differs from manifest-sha256.txt" \
    "c-1001.eml.x: not listed in manifest-sha256.txt"

# A second archive entry of the same email: tar appends one.
unpack
tar -C "$TMP/x" -cf "$TMP/twice.tar" "$BAG"
tar -C "$TMP/x" -rf "$TMP/twice.tar" "$BAG/data/emails/c-1004.eml"
both twice "$TMP/twice.tar"
has twice "data/emails/c-1004.eml: appears twice in the archive"
[ "$(grep -c 'c-1004' "$TMP/twice.err")" -eq 1 ]
ok $? "twice: the first entry is checked, the second only reported"

# Many problems at once print in one order, whatever the budget: the
# manifest's lines in line order, then the files it lacks in archive
# order, then the records' problems.
unpack
for c in 1001 1005 1009; do printf 'x' >> "$X/data/emails/c-$c.eml"; done
for c in 7001 7002 7003; do echo x > "$X/data/emails/c-$c.eml"; done
sed -i '/c-1006.eml$/d' "$X/manifest-sha256.txt"
both many "$X"
[ "$(wc -l < "$TMP/many.err")" -ge 12 ]
ok $? "many: $(wc -l < "$TMP/many.err" | tr -d ' ') problems, in one order"
has many \
    "data/emails/c-1006.eml: not listed in manifest-sha256.txt (extra file)" \
    "data/emails/c-7002.eml: no REDACTED claim link: the claim token may be in the bundle"

# A sort of thousands of runs keeps few of them open (verify-stream.c,
# VS_FANIN): 3,000 more emails, every sort spilling a run a record,
# under a limit of 200 open files (valgrind takes some of them).
unpack
i=1000
while [ $i -lt 4000 ]; do
	cp "$X/data/emails/c-1001.eml" "$X/data/emails/c-x$i.eml"
	i=$((i + 1))
done
rc=0
(ulimit -n 200 && CUSTRELEASE_VERIFY_MEM=256 "$CUSTRELEASE" verify "$X") \
    > "$TMP/fan.out" 2> "$TMP/fan.err" || rc=$?
[ "$rc" -eq 1 ] && grep -qx 'verify: 9002 problems' "$TMP/fan.out"
ok $? "3,000 extra emails, 200 open files: every problem found (exit $rc)"
sed -n '$p' "$TMP/fan.err" | sed 's/^/# /'
"$CUSTRELEASE" verify "$X" > "$TMP/fan.out2" 2> "$TMP/fan.err2"
cmp -s "$TMP/fan.err" "$TMP/fan.err2" && cmp -s "$TMP/fan.out" "$TMP/fan.out2"
ok $? "and the same problems as with the default budget"

# --- the replay compares the emails both ways ---------------------------------
replay() {
	rc=0
	"$CUSTRELEASE" verify --export samples/export --token-key "$SAMPLE_KEY" \
	    "$1" > "$TMP/out" 2> "$TMP/err" || rc=$?
}
unpack
replay "$X"
[ "$rc" -eq 0 ]; ok $? "replay of the extracted bag: OK (exit $rc)"
grep -Fq "every record and email compared" "$TMP/out"
ok $? "replay: every email compared"
unpack
rm "$X/data/emails/c-1002.eml"
cp "$X/data/emails/c-1001.eml" "$X/data/emails/c-8888.eml"
printf 'x' >> "$X/data/emails/c-1004.eml"
replay "$X"
cp "$TMP/err" "$TMP/replay.err"
order replay "c-1004.eml: replay: differs" \
    "c-1002.eml: replay: the export gives it, the bag lacks it"
for l in \
    "data/emails/c-1002.eml: replay: the export gives it, the bag lacks it" \
    "data/emails/c-8888.eml: replay: the export gives no such file" \
    "data/emails/c-1004.eml: replay: differs from what the export gives"; do
	sed 's/^custrelease: [^:]*: //' "$TMP/err" | grep -Fqx -- "$l"
	ok $? "replay: says \"$l\""
done

done_testing
