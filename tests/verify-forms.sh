#!/bin/sh
# verify-forms.sh -- verify meets auditors where they are: an extracted bag
# directory (named absolutely, relatively, with a trailing slash, or as
# "." from inside it) and an archive re-packed with `tar -C dir .` (its
# one top directory reached through "./") get the same checks as the
# bundle itself: accepted intact, an altered byte or a symlink found.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

RUNID=20261201T020000Z-1f737a72
BAG=audit-$RUNID
TK=$TMP/token.key
cp samples/token.key "$TK" && chmod 600 "$TK"
cr run --export samples/export --manifest samples/manifest.csv \
    --out "$TMP/o" --now 2026-12-01T02:00:00Z --token-key "$TK" --quiet
expect_rc 1 "the sample run"
mkdir "$TMP/x"
tar -xzf "$TMP/o/$RUNID/$BAG.tar.gz" -C "$TMP/x"
ok $? "extracted with tar"

cr verify "$TMP/x/$BAG"
expect_rc 0 "verify accepts the extracted directory"
grep -qx "verify: OK" "$TMP/out"; ok $? "and says OK"
(cd "$TMP/x" && "$CUSTRELEASE" verify "$BAG/") >"$TMP/out" 2>"$TMP/err"
ok $? "a relative name with a trailing slash"
(cd "$TMP/x/$BAG" && "$CUSTRELEASE" verify .) >"$TMP/out" 2>"$TMP/err"
ok $? "'.' from inside the bag"

tar -C "$TMP/x" -czf "$TMP/dot.tar.gz" .
tar -tzf "$TMP/dot.tar.gz" | head -1 | grep -qx './'
ok $? "tar -C dir . writes a ./ root entry"
cr verify "$TMP/dot.tar.gz"
expect_rc 0 "verify accepts the re-packed archive"
(cd "$TMP/x" && zip -qr "$TMP/re.zip" "$BAG") && cr verify "$TMP/re.zip"
expect_rc 0 "and a bag re-packed by zip"

# the same checks: an altered byte, a symlink, an extra file
cp -R "$TMP/x" "$TMP/y"
printf 'x' >>"$TMP/y/$BAG/data/emails/c-1001.eml"
cr verify "$TMP/y/$BAG"
expect_rc 1 "an altered email in the directory is found"
expect_err "data/emails/c-1001\.eml: checksum differs" "and named"
cp -R "$TMP/x" "$TMP/z"
ln -s /etc/passwd "$TMP/z/$BAG/data/passwd"
cr verify "$TMP/z/$BAG"
expect_rc 1 "a symlink in the directory is a problem"
expect_err "data/passwd: not a regular file" "and is not followed"
! grep -q "root:" "$TMP/out" "$TMP/err"
ok $? "nothing of its target is printed"
cr verify "$TMP/nowhere"
expect_rc 65 "a path that does not exist is not a bundle"

done_testing
