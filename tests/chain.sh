#!/bin/sh
# chain.sh -- the chain of nights: each run's bag-info.txt names its
# predecessor in OUT and that bag's tag manifest digest; verify --chain
# (bundles in any order, or OUT) accepts an unbroken chain and finds a
# missing night, a replaced bundle (even consistently re-bagged and
# re-signed with another key), bundles swapped between run directories
# and a fork, naming the first break.  A run dated before the last
# committed one is refused.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

TK=$TMP/token.key
cp samples/token.key "$TK" && chmod 600 "$TK"
ssh-keygen -q -t ed25519 -N '' -C ops -f "$TMP/key" </dev/null
ssh-keygen -q -t ed25519 -N '' -C other -f "$TMP/other" </dev/null
echo "ops $(cut -d' ' -f1,2 "$TMP/key.pub")" >"$TMP/allowed"

# night OUT DAY [MANIFEST]: a signed run of the samples on that day.
night() {
	cr run --export samples/export --manifest "${3:-samples/manifest.csv}" \
	    --out "$1" --now "2026-12-$2T02:00:00Z" --token-key "$TK" \
	    --signing-key "$TMP/key" --quiet
}
for d in 01 02 03 04; do
	night "$TMP/o" $d
	[ $rc -le 1 ] || echo "# night $d: exit $rc"
done
ok $? "four nights committed"
set -- "$TMP"/o/2026*/audit-*.tar.gz
[ $# -eq 4 ]; ok $? "four bundles"
B1=$1 B2=$2 B3=$3 B4=$4

grep -qx "Previous-Run-Id: none" "$TMP"/o/20261201*/bag-info.txt
ok $? "the first run in OUT names no predecessor"
id1=$(basename "$(dirname "$B1")")
grep -qx "Previous-Run-Id: $id1" "$TMP"/o/20261202*/bag-info.txt &&
    grep -qx "Previous-Tagmanifest-SHA256: $(sha256sum <"$TMP/o/$id1/tagmanifest-sha256.txt" | cut -d' ' -f1)" \
    "$TMP"/o/20261202*/bag-info.txt
ok $? "the second names the first and its tag manifest's SHA-256"
mkdir "$TMP/x2"
tar -xzf "$B2" -C "$TMP/x2"
cmp -s "$TMP"/o/20261202*/bag-info.txt "$TMP"/x2/audit-*/bag-info.txt
ok $? "the run directory's bag-info.txt is the bag's"

cr verify --chain --allowed-signers "$TMP/allowed" "$TMP/o"
expect_rc 0 "verify --chain OUT accepts the four nights"
grep -q "^chain: 4 runs, $id1 \.\. " "$TMP/out"; ok $? "and says so"
cr verify --chain "$B4" "$B2" "$B1" "$B3"
expect_rc 0 "bundles in any order"

# a missing night
cr verify --chain "$B1" "$B2" "$B4"
expect_rc 1 "a deleted middle night breaks the chain"
expect_err "chain: 20261204T020000Z-[0-9a-f]*: its predecessor is 20261203" \
    "the break is named"
cr verify --chain "$B2" "$B3" "$B4"
expect_rc 0 "a window of nights is a chain too"
grep -q "the first follows $id1, not given" "$TMP/out"
ok $? "and says where it starts"

# a replaced bundle: night 2 re-bagged (one payload byte) and re-signed
rm "$TMP"/x2/audit-*/tagmanifest-sha256.txt.sig
bag=$(ls -d "$TMP"/x2/audit-*)
printf ' ' >>"$bag/data/report.txt"
(cd "$bag" && for a in 256 512; do
	sha${a}sum $(find data -type f | sort) >manifest-sha$a.txt
done
sed -i "s/^Payload-Oxum: .*/Payload-Oxum: $(cat $(find data -type f) | wc -c).$(find data -type f | wc -l)/" bag-info.txt
sha256sum bag-info.txt bagit.txt manifest-sha256.txt manifest-sha512.txt >tagmanifest-sha256.txt
sha512sum bag-info.txt bagit.txt manifest-sha256.txt manifest-sha512.txt tagmanifest-sha256.txt >tagmanifest-sha512.txt
ssh-keygen -q -Y sign -f "$TMP/other" -n custrelease tagmanifest-sha256.txt) 2>/dev/null
tar -C "$TMP/x2" -czf "$TMP/forged2.tar.gz" "$(basename "$bag")"
cr verify "$TMP/forged2.tar.gz"
expect_rc 0 "the forged night 2 is consistent on its own"
cr verify --chain "$B1" "$TMP/forged2.tar.gz" "$B3" "$B4"
expect_rc 1 "in the chain, night 3 no longer follows it"
expect_err "chain: 20261203T020000Z-[0-9a-f]*: the bag of 20261202" \
    "the break names the replaced night"
cr verify --chain --allowed-signers "$TMP/allowed" "$B1" \
    "$TMP/forged2.tar.gz" "$B3" "$B4"
expect_rc 1 "and with --allowed-signers its signature fails too"

# bundles swapped between two run directories of OUT
cp -R "$TMP/o" "$TMP/s"
d2=$(ls -d "$TMP"/s/20261202*) d3=$(ls -d "$TMP"/s/20261203*)
mv "$d2"/audit-*.tar.gz "$TMP/b2" && mv "$d3"/audit-*.tar.gz "$TMP/b3"
mv "$TMP/b3" "$d2/audit-$(basename "$d2").tar.gz"
mv "$TMP/b2" "$d3/audit-$(basename "$d3").tar.gz"
cr verify --chain "$TMP/s"
expect_rc 1 "bundles swapped between run directories are found"
expect_err "the bundle of run 20261202T020000Z-[0-9a-f]* holds run 20261203" \
    "and named"

# a fork: two OUTs continue one night differently
cp -R "$TMP/o" "$TMP/f"
night "$TMP/o" 05
night "$TMP/f" 05 samples/manifest-rerun.csv
cr verify --chain "$TMP"/o/2026120[1-5]*/audit-* "$TMP"/f/20261205*/audit-*
expect_rc 1 "a fork (two nights after one) breaks the chain"

# the order of time
night "$TMP/o" 03 samples/manifest-rerun.csv
expect_rc 2 "a run dated before the last committed one is refused"
expect_err "before the last committed run" "and says why"

done_testing
