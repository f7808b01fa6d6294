#!/bin/sh
# rules.sh -- the decision-rule cases of tests/rules/ (its README.md says
# how to add one): each case directory holds the export tables it needs
# (the others come from tests/rules/BASE), optionally the same export as
# export.xml, a manifest.csv, the expected decisions.csv (expected.csv)
# and optionally other expected records (expected-NAME.csv) and a
# committed earlier run (history.csv).  For each case this runs the real
# `custrelease run` with a fixed time and key on a fresh OUT, in each form
# the case gives, and compares the records byte for byte: one TAP line per
# case, with a diff when one differs.  Its last line checks that every
# decision code of src/codes.def is shown by some case.  It does not test
# the emails, the bundle or the readers' errors (other tests do).
#
#	[RULES_UPDATE=1] sh tests/rules.sh [CASE...]
#
# RULES_UPDATE=1 writes expected.csv (and every expected-NAME.csv a case
# already has) from the run instead of comparing; a person must then
# review every file it changed.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

RULES=tests/rules
NOW=2026-12-01T02:00:00Z
HIST=20261130T020000Z-00000000
TABLES="organizations.csv customers.csv products.csv domain_contacts.csv
shares.csv accounts.csv"
: "${RULES_UPDATE:=}"

cp samples/token.key "$TMP/token.key" && chmod 600 "$TMP/token.key"

# note LINE...: a TAP comment of the current case.
note() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

# has_csv CASEDIR: the case gives at least one export table.
has_csv() {
	for _t in $TABLES; do
		[ -f "$1/$_t" ] && return 0
	done
	return 1
}

# run_case CASEDIR FORM WORKDIR: run the case on its CSV tables (FORM csv)
# or its export.xml (FORM xml); the run directory in $run.  Status 1 (with
# a note) when the run did not commit cleanly.
run_case() {
	_c=$1 _w=$3
	mkdir -p "$_w" && chmod 700 "$_w"
	if [ "$2" = csv ]; then
		mkdir "$_w/export"
		for _t in $TABLES; do
			if [ -f "$_c/$_t" ]; then
				cp "$_c/$_t" "$_w/export/"
			elif [ -f "$RULES/BASE/$_t" ]; then
				cp "$RULES/BASE/$_t" "$_w/export/"
			fi
		done
		_e=$_w/export
	else
		_e=$_c/export.xml
	fi
	mkdir -m 700 "$_w/out"
	if [ -f "$_c/history.csv" ]; then
		mkdir -m 700 "$_w/out/$HIST"
		cp "$_c/history.csv" "$_w/out/$HIST/decisions.csv"
		chmod 600 "$_w/out/$HIST/decisions.csv"
		# the copy of its tag manifest a committed run keeps (chain.h),
		# so that the run links to it without a warning
		printf 'history\n' >"$_w/out/$HIST/tagmanifest-sha256.txt"
	fi
	_opts=
	[ -f "$_c/options" ] && _opts=$(cat "$_c/options")
	# shellcheck disable=SC2086 # options are words
	cr run --export "$_e" --manifest "$_c/manifest.csv" --out "$_w/out" \
	    --now "$NOW" --token-key "$TMP/token.key" --quiet $_opts
	run=
	for _d in "$_w/out"/*; do
		[ "$_d" = "$_w/out/$HIST" ] || run=$_d
	done
	if [ "$rc" -gt 1 ] || [ -s "$TMP/err" ] || [ ! -f "$run/decisions.csv" ]
	then
		note "$2: exit $rc, stderr:"
		sed 's/^/#   /' "$TMP/err" | head -20
		return 1
	fi
	return 0
}

# compare CASEDIR FORM UPDATE: the records of $run against the case's
# expected files; with UPDATE non-empty, the expected files from them.
compare() {
	_bad=0
	for _x in "$1"/expected.csv "$1"/expected-*.csv; do
		[ -f "$_x" ] || continue
		case ${_x##*/} in
		expected.csv)	_f=decisions.csv ;;
		*)		_f=${_x##*/expected-} ;;
		esac
		if [ -n "$3" ]; then
			cmp -s "$_x" "$run/$_f" || {
				cp "$run/$_f" "$_x"
				note "updated ${_x#"$RULES"/}: review it"
			}
		elif ! cmp -s "$_x" "$run/$_f"; then
			note "$2: $_f differs from ${_x#"$RULES"/}:"
			diff -u "$_x" "$run/$_f" | head -40 | sed 's/^/#   /'
			_bad=1
		fi
	done
	return $_bad
}

[ $# -gt 0 ] || set -- "$RULES"/*/
for c; do
	c=${c%/}
	name=${c##*/}
	[ "$name" = BASE ] && continue
	c=$RULES/$name
	[ -n "$RULES_UPDATE" ] && [ ! -f "$c/expected.csv" ] && : > "$c/expected.csv"
	if [ ! -f "$c/manifest.csv" ] || [ ! -f "$c/expected.csv" ]; then
		ok 1 "$name: no manifest.csv or no expected.csv"
		continue
	fi
	forms=
	{ has_csv "$c" || [ ! -f "$c/export.xml" ]; } && forms=csv
	[ -f "$c/export.xml" ] && forms="$forms xml"
	forms=${forms# }
	status=0 upd=$RULES_UPDATE
	for form in $forms; do
		if run_case "$c" "$form" "$TMP/$name-$form"; then
			compare "$c" "$form" "$upd" || status=1
		else
			status=1
		fi
		upd=
	done
	ok $status "$name ($(echo "$forms" | tr ' ' +))"
done

# Every decision code is shown by at least one case.
missing=$(sed -n 's/^CR_CODE(\([A-Z_]*\),.*/\1/p' src/codes.def | while read -r code; do
	cat "$RULES"/*/expected.csv | grep -qw "$code" || echo "$code"
done)
[ -z "$missing" ] || note "codes no case shows: $missing"
[ -z "$missing" ]
ok $? "every code of src/codes.def is shown by a case"

done_testing
