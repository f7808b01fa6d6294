#!/bin/sh
# leak.sh -- no byte of a secret reaches stdout or stderr when a file of
# the export or the manifest is a secret in disguise: a symbolic link to
# it, or a copy of it (a hard link reads the same), put in a table's
# place.  A symlinked table of a folder export is refused; a header with
# none of its table's columns is refused without being quoted.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

NOW=2026-12-01T02:00:00Z
# A secret with no newline inside: 60 bytes of base64, like a token key.
"$PYTHON3" -c 'import base64, os; print(base64.b64encode(os.urandom(45)).decode())' \
    > "$TMP/secret"
chmod 600 "$TMP/secret"

# leaked: 0 when some 8-byte piece of the secret is in $TMP/out or $TMP/err.
leaked() {
	"$PYTHON3" - "$TMP/secret" "$TMP/out" "$TMP/err" <<'PY'
import sys
s = open(sys.argv[1], "rb").read().strip()
seen = open(sys.argv[2], "rb").read() + open(sys.argv[3], "rb").read()
sys.exit(0 if any(s[i:i + 8] in seen for i in range(len(s) - 7)) else 1)
PY
}

# each command on EXPORT and MANIFEST: exit 65, and nothing of the secret.
probe() {
	for cmd in check plan run; do
		rm -rf "$TMP/o"
		case $cmd in
		check) cr check --export "$1" --manifest "$2" ;;
		plan) cr plan --export "$1" --manifest "$2" --now $NOW ;;
		run) cr run --export "$1" --manifest "$2" --out "$TMP/o" \
		    --now $NOW --quiet ;;
		esac
		expect_rc 65 "$3: $cmd refuses"
		! leaked; ok $? "$3: $cmd shows nothing of the secret"
	done
	[ ! -e "$TMP/o" ]; ok $? "$3: OUT is not created"
}

for t in organizations customers products domain_contacts shares accounts; do
	rm -rf "$TMP/x"; cp -R samples/export "$TMP/x"
	ln -sf "$TMP/secret" "$TMP/x/$t.csv"
	probe "$TMP/x" samples/manifest.csv "$t.csv a symlink to a secret"
	expect_err "$t\.csv:0: a symbolic link" "$t.csv symlink: the reason is named"
	rm -f "$TMP/x/$t.csv"; cp "$TMP/secret" "$TMP/x/$t.csv"
	probe "$TMP/x" samples/manifest.csv "$t.csv a copy of a secret"
	expect_err "$t\.csv:1: the header has none of the columns" \
	    "$t.csv copy: the reason is named"
done

ln -sf "$TMP/secret" "$TMP/m.csv"
probe samples/export "$TMP/m.csv" "the manifest a symlink to a secret"
expect_err "m\.csv:1: the header has none of the columns" \
    "manifest symlink: the reason is named"

# The export folder itself may be reached through a symlink.
ln -s "$top_srcdir/samples/export" "$TMP/linked"
cr check --export "$TMP/linked"
expect_rc 1 "an export folder reached through a symlink is read (its row problems listed)"

done_testing
