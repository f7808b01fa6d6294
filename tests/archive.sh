#!/bin/sh
# archive.sh -- the export as an archive (docs/format.md 2.2): every supported format,
# any folder prefix, members in any order, the XML form inside an archive;
# and the archive faults that are input errors: duplicate member names, a
# ".." component, a known member that is not a regular file (a directory
# too), a missing required member, an archive bomb.  Archives are built here with GNU tar,
# zstd and Python's zipfile, never committed.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

src=$DATA/clean
cr check --export "$src"
expect_rc 0 "clean folder"
cp "$TMP/out" "$TMP/folder.out"

files="organizations.csv customers.csv products.csv domain_contacts.csv shares.csv accounts.csv"

# Same check output, whatever the container.
tar -cf "$TMP/e.tar" -C "$src" $files
tar -czf "$TMP/e.tar.gz" -C "$src" $files
cp "$TMP/e.tar.gz" "$TMP/e.tgz"
tar -cJf "$TMP/e.tar.xz" -C "$src" $files
tar -cf - -C "$src" $files | zstd -q -o "$TMP/e.tar.zst"
mkdir -p "$TMP/prefix/deep/export"
cp "$src"/*.csv "$TMP/prefix/deep/export/"
tar -czf "$TMP/prefixed.tar.gz" -C "$TMP/prefix" deep
# reverse dependency order: shares first, organizations last
tar -cf "$TMP/reversed.tar" -C "$src" shares.csv domain_contacts.csv products.csv customers.csv accounts.csv organizations.csv

if [ -n "$PYTHON3" ]; then
	"$PYTHON3" - "$src" "$TMP" <<'PY'
import sys, zipfile, os
src, tmp = sys.argv[1], sys.argv[2]
files = ["organizations.csv", "customers.csv", "products.csv",
         "domain_contacts.csv", "shares.csv", "accounts.csv"]
with zipfile.ZipFile(os.path.join(tmp, "e.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    for f in files:
        z.write(os.path.join(src, f), "export/" + f)
with zipfile.ZipFile(os.path.join(tmp, "dup.zip"), "w") as z:
    for f in files:
        z.write(os.path.join(src, f), f)
    z.write(os.path.join(src, "products.csv"), "other/products.csv")
with zipfile.ZipFile(os.path.join(tmp, "dotdot.zip"), "w") as z:
    for f in files:
        z.write(os.path.join(src, f), f)
    z.writestr("../evil.txt", "x")
with zipfile.ZipFile(os.path.join(tmp, "bomb.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    for f in files:
        if f != "accounts.csv":
            z.write(os.path.join(src, f), f)
    line = b"acme-admin,individual,A,B,,a@b.example,FR\n"
    z.writestr("accounts.csv", b"username,type,firstname,lastname,orgname,email,country\n" + line * 3000000)
# The same bomb, its sizes in the zip's headers turned into lies (1000
# bytes): the listing believes them, the reading stream's cap does not.
import struct
with open(os.path.join(tmp, "bomb.zip"), "rb") as f:
    b = bytearray(f.read())
with zipfile.ZipFile(os.path.join(tmp, "bomb.zip")) as z:
    off = z.getinfo("accounts.csv").header_offset
struct.pack_into("<I", b, off + 22, 1000)
cd = b.find(b"PK\x01\x02", off)
while cd >= 0:
    n = struct.unpack_from("<H", b, cd + 28)[0]
    if b[cd + 46:cd + 46 + n] == b"accounts.csv":
        struct.pack_into("<I", b, cd + 24, 1000)
    cd = b.find(b"PK\x01\x02", cd + 4)
with open(os.path.join(tmp, "liar.zip"), "wb") as f:
    f.write(b)
PY
fi

for a in e.tar e.tar.gz e.tgz e.tar.xz e.tar.zst e.zip prefixed.tar.gz reversed.tar; do
	if [ ! -f "$TMP/$a" ]; then
		skip "$a" "no python3"
		continue
	fi
	cr check --export "$TMP/$a"
	expect_rc 0 "$a"
	expect_same "$TMP/folder.out" "$TMP/out" "$a: same report as the folder"
done

# The XML form inside an archive.
if [ -f "$SAMPLES/export.xml" ]; then
	cr check --export "$SAMPLES/export.xml"
	cp "$TMP/out" "$TMP/xml.out"
	xrc=$rc
	tar -czf "$TMP/xml.tar.gz" -C "$SAMPLES" export.xml
	cr check --export "$TMP/xml.tar.gz"
	expect_rc "$xrc" "XML inside a tar.gz"
	# the same report, but for the file name (the member name, no folder)
	sed 's|^[^:]*/export.xml:|export.xml:|' "$TMP/xml.out" > "$TMP/xml.want"
	expect_same "$TMP/xml.want" "$TMP/out" "XML inside a tar.gz: same report"
fi

# Faults.
if [ -f "$TMP/dup.zip" ]; then
	cr check --export "$TMP/dup.zip"
	expect_rc 65 "two members with one file name"
	expect_err "dup.zip:0: member \"other/products.csv\": two members" "duplicate member: message"
	cr check --export "$TMP/dotdot.zip"
	expect_rc 65 "member with a .. component"
	expect_err "dotdot.zip:0: member \"../evil.txt\": a \"..\" path component" "dotdot: message"
	cr check --export "$TMP/bomb.zip"
	expect_rc 65 "archive bomb"
	expect_err "bomb.zip:0: member \"accounts.csv\": the members expand to more than [0-9]+ bytes" \
	    "archive bomb: refused from its listed size"
	cr check --export "$TMP/liar.zip"
	expect_rc 65 "archive bomb whose headers lie about its size"
	expect_err "accounts.csv:0: more than [0-9]+ bytes" "lying archive bomb: stopped while expanding"
fi

# A bomb in a member that is never parsed: skipping it in a compressed
# tar means expanding it, so it counts against the cap too, and is refused
# at its header, before anything is expanded.
"$PYTHON3" - "$TMP/skipbomb.tar.gz" "$src" <<'PY'
import io, os, sys, tarfile
class Zeros(io.RawIOBase):
    def __init__(self, n): self.n = n
    def readable(self): return True
    def readinto(self, b):
        k = min(len(b), self.n); b[:k] = bytes(k); self.n -= k; return k
with tarfile.open(sys.argv[1], "w:gz", compresslevel=1) as t:
    for f in sorted(os.listdir(sys.argv[2])):
        if f.endswith(".csv"):
            t.add(os.path.join(sys.argv[2], f), "x/" + f)
    info = tarfile.TarInfo("x/junk.bin")
    info.size = 300 << 20
    t.addfile(info, io.BufferedReader(Zeros(info.size)))
PY
cr check --export "$TMP/skipbomb.tar.gz"
expect_rc 65 "a bomb in an ignored member"
expect_err "skipbomb.tar.gz:0: member \"x/junk.bin\": the members expand to more than [0-9]+ bytes" \
    "a bomb in an ignored member: message"

mkdir -p "$TMP/link"
cp "$src"/*.csv "$TMP/link/"
rm "$TMP/link/customers.csv"
ln -s /etc/passwd "$TMP/link/customers.csv"
tar -cf "$TMP/symlink.tar" -C "$TMP/link" $files
cr check --export "$TMP/symlink.tar"
expect_rc 65 "a symlink as a member"
expect_err "member \"customers.csv\": not a regular file" "symlink: message"

# A directory with a known name is a member of that name (docs/format.md 2.2), in a
# tar and in a zip; the real file elsewhere does not make it right.
mkdir -p "$TMP/dirm/x" "$TMP/dirm/y/shares.csv"
cp "$src"/*.csv "$TMP/dirm/x/"
rm "$TMP/dirm/x/shares.csv"
(cd "$TMP/dirm" && tar -cf "$TMP/dirm.tar" x y)
cr check --export "$TMP/dirm.tar"
expect_rc 65 "a directory named shares.csv in a tar"
expect_err "member \"y/shares.csv/\": not a regular file" "directory member: message"
"$PYTHON3" - "$TMP/dirm.zip" "$src" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for f in sorted(os.listdir(sys.argv[2])):
        if f.endswith(".csv"):
            z.write(os.path.join(sys.argv[2], f), "x/" + f)
    z.writestr(zipfile.ZipInfo("y/customers.csv/"), "")
PY
cr check --export "$TMP/dirm.zip"
expect_rc 65 "a directory named customers.csv in a zip"
expect_err "member \"y/customers.csv/\": not a regular file" "directory member in a zip: message"

tar -cf "$TMP/missing.tar" -C "$src" organizations.csv products.csv
cr check --export "$TMP/missing.tar"
expect_rc 65 "missing required member"
expect_err "missing.tar:0: required member customers.csv missing" "missing member: message"

printf 'this is not an archive\n' > "$TMP/junk.bin"
cr check --export "$TMP/junk.bin"
expect_rc 65 "not an archive"

size=$(wc -c < "$TMP/e.tar.gz")
head -c $((size / 2)) "$TMP/e.tar.gz" > "$TMP/cut.tar.gz"
cr check --export "$TMP/cut.tar.gz"
expect_rc 65 "truncated tar.gz"

done_testing
