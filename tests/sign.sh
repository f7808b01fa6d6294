#!/bin/sh
# sign.sh -- signed bundles, interoperable with stock OpenSSH both ways:
# run --signing-key writes tagmanifest-sha256.txt.sig, which ssh-keygen -Y
# verify accepts; a signature made by ssh-keygen -Y sign verifies with
# custrelease verify --allowed-signers; tampering (a byte of any tag or
# payload file, a consistent re-bag re-signed by an unlisted key) is
# found; a passphrase-protected key is a usage error; the private key
# never reaches stderr or the bundle; the same inputs and key give the
# same bytes.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

NOW=2026-12-01T02:00:00Z
RUNID=20261201T020000Z-1f737a72
BAG=audit-$RUNID
TK=$TMP/token.key
cp samples/token.key "$TK" && chmod 600 "$TK"
command -v ssh-keygen >/dev/null
ok $? "ssh-keygen is installed (openssh-client)"

ssh-keygen -q -t ed25519 -N '' -C ops -f "$TMP/key" </dev/null
ok $? "an unencrypted Ed25519 key"
ssh-keygen -q -t ed25519 -N '' -C other -f "$TMP/other" </dev/null
ssh-keygen -q -t ed25519 -N 'secret phrase' -C locked -f "$TMP/locked" </dev/null
ok $? "a passphrase-protected one"
echo "ops@registrar.example $(cut -d' ' -f1,2 "$TMP/key.pub")" >"$TMP/allowed"
echo "other@elsewhere.example $(cut -d' ' -f1,2 "$TMP/other.pub")" >"$TMP/allowed-other"
fpr=$(ssh-keygen -l -f "$TMP/key.pub" | cut -d' ' -f2)

# run: signed, verifiable with ssh-keygen
signed_run() {
	cr run --export samples/export --manifest samples/manifest.csv \
	    --out "$1" --now $NOW --token-key "$TK" --signing-key "$TMP/key" \
	    --quiet
}
signed_run "$TMP/o"
expect_rc 1 "run --signing-key commits the sample run"
B=$TMP/o/$RUNID/$BAG.tar.gz
mkdir "$TMP/x"
tar -xzf "$B" -C "$TMP/x"
[ -s "$TMP/x/$BAG/tagmanifest-sha256.txt.sig" ] &&
    head -1 "$TMP/x/$BAG/tagmanifest-sha256.txt.sig" | grep -qx -- '-----BEGIN SSH SIGNATURE-----'
ok $? "the bag holds an armored SSH signature"
(cd "$TMP/x/$BAG" && ssh-keygen -Y verify -f "$TMP/allowed" \
    -I ops@registrar.example -n custrelease -s tagmanifest-sha256.txt.sig \
    <tagmanifest-sha256.txt) >"$TMP/ssh.out" 2>&1
ok $? "ssh-keygen -Y verify accepts it"
grep -q "Good \"custrelease\" signature for ops@registrar.example" "$TMP/ssh.out"
ok $? "ssh-keygen names the principal"

cr verify --allowed-signers "$TMP/allowed" "$B"
expect_rc 0 "verify --allowed-signers accepts it"
grep -qx "signature: good, by ops@registrar.example ($fpr)" "$TMP/out"
ok $? "verify prints the principal and the fingerprint"
cr verify "$B"
expect_rc 0 "verify without --allowed-signers"
grep -qx "signature: signed by $fpr, not checked (no --allowed-signers)" "$TMP/out"
ok $? "says signed by the fingerprint, not checked"
cr verify --allowed-signers "$TMP/allowed-other" "$B"
expect_rc 1 "a key the allowed signers do not list is a problem"
grep -qF "tagmanifest-sha256.txt.sig: made by $fpr" "$TMP/err"
ok $? "the problem names the key"

# the reports state it (the signer's claim)
grep -q "signed by the Ed25519 key" "$TMP/x/$BAG/data/report.txt" &&
    grep -q "$fpr" "$TMP/x/$BAG/data/report.txt" &&
    grep -q "$fpr" "$TMP/x/$BAG/data/report.html"
ok $? "report.txt and report.html name the signing key"
grep -q "custrelease verify $BAG.tar.gz" "$TMP/x/$BAG/data/report.txt"
ok $? "the report names the bundle's own file"

# unsigned
cr run --export samples/export --manifest samples/manifest.csv \
    --out "$TMP/u" --now $NOW --token-key "$TK" --quiet \
    --bundle-format tar.zst
U=$TMP/u/$RUNID/$BAG.tar.zst
cr verify "$U"
expect_rc 0 "an unsigned bundle verifies"
grep -qx "signature: unsigned" "$TMP/out"
ok $? "and says unsigned"
cr verify --require-signature "$U"
expect_rc 1 "--require-signature: unsigned is a problem"
mkdir "$TMP/ux"
tar --zstd -xf "$U" -C "$TMP/ux" 2>/dev/null || zstd -dc "$U" | tar -xf - -C "$TMP/ux"
grep -q "custrelease verify $BAG.tar.zst" "$TMP/ux/$BAG/data/report.txt" &&
    grep -q "not signed" "$TMP/ux/$BAG/data/report.html"
ok $? "a tar.zst bundle's report names the tar.zst and says unsigned"

# ssh-keygen -Y sign's signature verifies with custrelease
rm "$TMP/x/$BAG/tagmanifest-sha256.txt.sig"
(cd "$TMP/x/$BAG" && ssh-keygen -q -Y sign -f "$TMP/key" -n custrelease \
    tagmanifest-sha256.txt) 2>/dev/null
ok $? "ssh-keygen -Y sign signs the tag manifest"
tar -C "$TMP/x" -czf "$TMP/resigned.tar.gz" "$BAG"
cr verify --allowed-signers "$TMP/allowed" "$TMP/resigned.tar.gz"
expect_rc 0 "custrelease verifies ssh-keygen's signature"

# rebag DIR tags|all: recompute the tag manifests of the bag DIR (all: the
# payload manifests and Payload-Oxum first), as a forger would.
rebag() {
	"$PYTHON3" - "$1" "$2" <<'PY'
import hashlib, os, sys
d, what = sys.argv[1], sys.argv[2]
def rewrite(name, algo, files):
    with open(os.path.join(d, name), "w") as f:
        for p in files:
            h = hashlib.new(algo, open(os.path.join(d, p), "rb").read())
            f.write("%s  %s\n" % (h.hexdigest(), p))
payload = sorted(os.path.relpath(os.path.join(r, n), d)
                 for r, _, ns in os.walk(os.path.join(d, "data")) for n in ns)
if what == "all":
    size = sum(os.path.getsize(os.path.join(d, p)) for p in payload)
    info = open(os.path.join(d, "bag-info.txt")).read().splitlines()
    info = [("Payload-Oxum: %d.%d" % (size, len(payload)))
            if l.startswith("Payload-Oxum:") else l for l in info]
    open(os.path.join(d, "bag-info.txt"), "w").write("\n".join(info) + "\n")
    rewrite("manifest-sha256.txt", "sha256", payload)
    rewrite("manifest-sha512.txt", "sha512", payload)
tags = ["bag-info.txt", "bagit.txt", "manifest-sha256.txt",
        "manifest-sha512.txt"]
rewrite("tagmanifest-sha256.txt", "sha256", tags)
rewrite("tagmanifest-sha512.txt", "sha512", tags + ["tagmanifest-sha256.txt"])
PY
}

# tampering: a byte of a tag file
cp -R "$TMP/x" "$TMP/t1"
sed -i 's/Bag-Software-Agent: custrelease/Bag-Software-Agent: custreleasE/' \
    "$TMP/t1/$BAG/bag-info.txt"
rebag "$TMP/t1/$BAG" tags
tar -C "$TMP/t1" -czf "$TMP/t1.tar.gz" "$BAG"
cr verify --allowed-signers "$TMP/allowed" "$TMP/t1.tar.gz"
expect_rc 1 "bag-info.txt edited, tag manifests recomputed: the signature fails"
expect_err "tagmanifest-sha256\.txt\.sig: does not verify" "and says so"

# a payload byte, re-bagged consistently and re-signed with an unlisted key
cp -R "$TMP/x" "$TMP/t2"
sed -i '0,/Martin/s//Martín/' "$TMP/t2/$BAG/data/customers.csv"
rebag "$TMP/t2/$BAG" all
rm "$TMP/t2/$BAG/tagmanifest-sha256.txt.sig"
(cd "$TMP/t2/$BAG" && ssh-keygen -q -Y sign -f "$TMP/other" -n custrelease \
    tagmanifest-sha256.txt) 2>/dev/null
tar -C "$TMP/t2" -czf "$TMP/t2.tar.gz" "$BAG"
cr verify "$TMP/t2.tar.gz"
expect_rc 0 "a consistent re-bag passes the checksums (as documented)"
cr verify --allowed-signers "$TMP/allowed" "$TMP/t2.tar.gz"
expect_rc 1 "re-signed by an unlisted key: verify --allowed-signers refuses it"

# the key: a passphrase is a usage error; the private key is never shown
cr run --export samples/export --manifest samples/manifest.csv \
    --out "$TMP/l" --now $NOW --token-key "$TK" --signing-key "$TMP/locked"
expect_rc 2 "a passphrase-protected key is a usage error"
expect_err "signing key: protected by a passphrase" "the message says why"
[ ! -e "$TMP/l" ]; ok $? "OUT is not created"
cr plan --export samples/export --manifest samples/manifest.csv \
    --now $NOW --signing-key "$TMP/locked"
expect_rc 2 "plan checks the signing key too"
cr run --export samples/export --manifest samples/manifest.csv \
    --out "$TMP/l" --now $NOW --token-key "$TK" --signing-key "$TMP/key.pub"
expect_rc 2 "a public key is not a signing key"
cr run --export samples/export --manifest samples/manifest.csv \
    --out "$TMP/l" --now $NOW --token-key "$TK" --signing-key "$TMP/nokey"
expect_rc 2 "a signing key that does not exist is a usage error"
expect_err "nokey:0: cannot read signing key" "and names the file"
cr verify --allowed-signers "$TMP/nosigners" "$B"
expect_rc 2 "an allowed-signers file that does not exist is a usage error"
expect_err "nosigners:0: cannot read allowed signers" "and names the file"
printf '# a comment\n\nbroken line\nops ssh-rsa AAAA\n' >"$TMP/junk-signers"
cr verify --allowed-signers "$TMP/junk-signers" "$B"
expect_rc 1 "an allowed-signers file without the key: the signature is a problem"
leak=0
grep -v -- '-----' "$TMP/key" | tr -d '\n' | fold -w 16 >"$TMP/pieces"
while read -r piece; do
	if grep -rqF -- "$piece" "$TMP/x" "$TMP/o" "$TMP/err" 2>/dev/null; then
		leak=$((leak + 1))
	fi
done <"$TMP/pieces"
[ "$leak" -eq 0 ] && [ -s "$TMP/pieces" ]
ok $? "no 16-character piece of the private key file is in OUT, the bag or stderr"

# reproducible, and --config signing_key
printf 'signing_key = %s\n' "$TMP/key" >"$TMP/conf"
cr run --config "$TMP/conf" --export samples/export \
    --manifest samples/manifest.csv --out "$TMP/o2" --now $NOW \
    --token-key "$TK" --quiet
expect_rc 1 "run with signing_key in --config"
cmp -s "$B" "$TMP/o2/$RUNID/$BAG.tar.gz"
ok $? "the same inputs and key give a byte-identical signed bundle"

done_testing
