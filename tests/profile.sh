#!/bin/sh
# profile.sh -- every bag custrelease writes conforms to its BagIt profile,
# docs/bagit-profile.json, as checked by tests/profile-check.py: in each
# bundle format, signed or not, first in its OUT or linked to one before;
# bag-info.txt names the profile; the serialization's MIME type is one the
# profile accepts.  A bag edited against the profile is refused.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

PROFILE=docs/bagit-profile.json
TK=$TMP/token.key
cp samples/token.key "$TK" && chmod 600 "$TK"
ssh-keygen -q -t ed25519 -N '' -f "$TMP/key" </dev/null
"$PYTHON3" -c 'import json, sys; json.load(open(sys.argv[1]))' "$PROFILE"
ok $? "the profile is JSON"
id=$("$PYTHON3" -c 'import json, sys
print(json.load(open(sys.argv[1]))["BagIt-Profile-Info"]["BagIt-Profile-Identifier"])' "$PROFILE")

day=1
for fmt in tar.gz tar.zst zip; do
	for sign in no yes; do
		set -- --bundle-format $fmt
		[ $sign = yes ] && set -- "$@" --signing-key "$TMP/key"
		cr run --export samples/export --manifest samples/manifest.csv \
		    --out "$TMP/o" --now "2026-12-0${day}T02:00:00Z" \
		    --token-key "$TK" --quiet "$@"
		b=$(ls "$TMP"/o/2026120${day}*/audit-*)
		day=$((day + 1))
		rm -rf "$TMP/x" && mkdir "$TMP/x"
		case $fmt in
		tar.gz) tar -xzf "$b" -C "$TMP/x"; mime=application/gzip ;;
		tar.zst) zstd -dcq "$b" | tar -xf - -C "$TMP/x"
			mime=application/zstd ;;
		zip) (cd "$TMP/x" && unzip -q "$b"); mime=application/zip ;;
		esac
		bag=$(ls -d "$TMP"/x/audit-*)
		"$PYTHON3" tests/profile-check.py "$PROFILE" "$bag" >"$TMP/pc"
		ok $? "$fmt, signed: $sign: the bag conforms to the profile"
		sed 's/^/# /' "$TMP/pc"
		grep -qx "BagIt-Profile-Identifier: $id" "$bag/bag-info.txt"
		ok $? "$fmt, signed: $sign: bag-info.txt names the profile"
		grep -q "\"$mime\"" "$PROFILE"
		ok $? "$fmt: the profile accepts $mime"
	done
done

# the checker can fail: a tag file the profile does not allow, a
# missing Previous-Run-Id
echo x >"$bag/notes.txt"
sed -i '/^Previous-Run-Id:/d' "$bag/bag-info.txt"
"$PYTHON3" tests/profile-check.py "$PROFILE" "$bag" >"$TMP/pc"
[ $? -eq 1 ] && grep -q "notes.txt is not allowed" "$TMP/pc" &&
    grep -q "Previous-Run-Id is required" "$TMP/pc"
ok $? "an edited bag does not conform"

done_testing
