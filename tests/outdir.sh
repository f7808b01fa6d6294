#!/bin/sh
# outdir.sh -- OUT in states that used to make every later run fail: a
# stale .tmp- tree of any depth (with a symlink that must not be followed),
# a umask of 0777, and a read-only OUT holding a stale .tmp-.  The last two
# need a user that permissions bind: as root they run as nobody (setpriv),
# in a scratch directory of their own that nobody may enter.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

KEY=samples/token.key
NOW=2026-12-01T02:00:00Z

# A stale temporary tree 40 levels deep, a symlink out of it at the bottom.
OUT=$TMP/deep
mkdir -p "$TMP/outside" "$OUT"
echo keep >"$TMP/outside/file"
d=$OUT/.tmp-20261130T020000Z-00000000-1
for i in $(seq 40); do d=$d/a; done
mkdir -p "$d"
ln -s "$TMP/outside" "$d/link"
echo x >"$d/f"
cr run --export samples/export --manifest samples/manifest.csv --out "$OUT" \
    --now $NOW --token-key $KEY
expect_rc 1 "a stale .tmp- tree 40 levels deep: run committed"
[ -z "$(ls -A "$OUT" | grep '^\.tmp-')" ]; ok $? "the deep stale tree removed"
[ "$(cat "$TMP/outside/file")" = keep ]; ok $? "the symlink in it not followed"

# as_user CMD...: CMD as a user that permissions bind (nobody when root).
if [ "$(id -u)" -eq 0 ]; then
	as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
else
	as_user() { "$@"; }
fi
# A scratch directory that user owns, and copies of what the runs read.
U=$(mktemp -d /tmp/custrelease-outdir.XXXXXX)
trap 'chmod -R u+rwX "$U" 2>/dev/null; rm -rf "$U" "$TMP"' EXIT
# (the binary itself: a wrapper such as valgrind's logs where nobody cannot)
cp "${CUSTRELEASE_REAL:-$CUSTRELEASE}" "$U/custrelease"
cp -r samples/export samples/manifest.csv templates "$U/"
cp $KEY "$U/token.key"
chmod -R a+rX "$U"
chmod 0600 "$U/token.key"
[ "$(id -u)" -eq 0 ] && chown -R 65534:65534 "$U"
# ucr ARGS...: custrelease as that user, in $U.
ucr() {
	rc=0
	(cd "$U" && umask "$UMASK" && CUSTRELEASE_TEMPLATES=$U/templates \
	    as_user ./custrelease "$@") >"$TMP/out" 2>"$TMP/err" || rc=$?
}
urun() {
	ucr run --export export --manifest manifest.csv --out "$1" \
	    --now "$2" --token-key token.key
}

# umask 0777: OUT and its run are created with explicit modes.
UMASK=0777
urun out0 $NOW
expect_rc 1 "umask 0777: run committed"
[ "$(stat -c %a "$U/out0")" = 700 ]; ok $? "umask 0777: OUT is 0700"
urun out0 2026-12-02T02:00:00Z
expect_rc 1 "umask 0777: the next run commits too"

# A read-only OUT holding a stale .tmp-.
UMASK=0077
urun ro $NOW
expect_rc 1 "read-only OUT: first run committed"
as_user mkdir -p "$U/ro/.tmp-20261130T020000Z-00000000-1/x"
as_user chmod 0500 "$U/ro"
urun ro $NOW
expect_rc 1 "read-only OUT, stale .tmp-: a no-op rerun keeps its status"
expect_err "cannot remove stale temporary run" "the stale .tmp- is a warning"
urun ro 2026-12-02T02:00:00Z
expect_rc 73 "read-only OUT, stale .tmp-: a new run cannot create"
as_user chmod 0700 "$U/ro"

done_testing
