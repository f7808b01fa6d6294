#!/bin/sh
# cli.sh -- the command line of docs/format.md 5: help, version, usage errors.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

cp "$SAMPLES/token.key" "$TMP/key" && chmod 600 "$TMP/key"

cr --help
expect_rc 0 "--help"
grep -q "custrelease run" "$TMP/out"; ok $? "--help lists the commands"

cr --version
expect_rc 0 "--version"
grep -Eq "^custrelease [0-9]+\.[0-9]+\.[0-9]+$" "$TMP/out"
ok $? "--version prints the version"

cr
expect_rc 2 "no command"
cr frobnicate
expect_rc 2 "unknown command"
expect_err "unknown command \"frobnicate\"" "unknown command named"
cr check --bogus
expect_rc 2 "unknown option"
expect_err "unknown option --bogus" "unknown option named"
cr check
expect_rc 2 "check without --export"
expect_err "--export is required" "missing --export named"
cr check --export
expect_rc 2 "option without its value"
cr check --export "$SAMPLES/export" extra
expect_rc 2 "unexpected operand"
cr check --help
expect_rc 0 "--help after a command"

# Run times: every date derived from the run time has a four-digit year and
# the bundle's entry times fit a zip (from 1980); anything else is a usage
# error before OUT is touched.
for t in 0999-06-01T00:00:00Z 1979-12-31T23:59:59Z 9999-12-31T23:59:59Z \
    9999-12-18T00:00:00Z; do
	cr run --export "$SAMPLES/export" --manifest "$SAMPLES/manifest.csv" \
	    --out "$TMP/o" --now "$t" --quiet
	expect_rc 2 "run --now $t is out of range"
	expect_err "run time out of range" "run --now $t: the range is named"
	[ ! -e "$TMP/o" ]; ok $? "run --now $t: OUT is not created"
done
for e in 253402300800 99999999999999 0 315532799; do
	SOURCE_DATE_EPOCH=$e cr plan --export "$SAMPLES/export" \
	    --manifest "$SAMPLES/manifest.csv"
	expect_rc 2 "SOURCE_DATE_EPOCH=$e is out of range"
	SOURCE_DATE_EPOCH=$e cr run --export "$SAMPLES/export" \
	    --manifest "$SAMPLES/manifest.csv" --out "$TMP/o" --quiet
	expect_rc 2 "run with SOURCE_DATE_EPOCH=$e is out of range"
	[ ! -e "$TMP/o" ]; ok $? "SOURCE_DATE_EPOCH=$e: OUT is not created"
done
cr run --export "$SAMPLES/export" --manifest "$SAMPLES/manifest.csv" \
    --out "$TMP/o" --now 9999-12-31T23:59:59Z --claim-ttl 1 --quiet
expect_rc 2 "the TTL counts: 9999-12-31T23:59:59Z plus one day"
# The extremes that are accepted are written and read back.
for t in 1980-01-01T00:00:00Z 9999-12-17T23:59:59Z; do
	rm -rf "$TMP/o"
	cr run --export "$SAMPLES/export" --manifest "$SAMPLES/manifest.csv" \
	    --out "$TMP/o" --now "$t" --token-key "$TMP/key" --quiet
	expect_rc 1 "run --now $t is accepted"
	cr verify "$TMP"/o/*/audit-*
	expect_rc 0 "run --now $t: verify accepts the bundle"
done

# Each command takes its own options (src/cmd.h): any other is a usage
# error that names the command and the option, before anything is read.
all="export=x manifest=x out=x now=x token-key=x claim-url=x claim-ttl=x
from=x templates=x bundle-format=x config=x strict quiet json signing-key=x
allowed-signers=x require-signature chain"
takes_run="export manifest out now token-key claim-url claim-ttl from
templates bundle-format config strict quiet signing-key"
takes_plan="$takes_run json"
takes_check="export manifest strict quiet config"
takes_verify="allowed-signers require-signature chain export token-key templates"
for c in run plan check verify; do
	eval "takes=\$takes_$c"
	n=0
	for o in $all; do
		name=${o%%=*}
		case " $(echo $takes) " in *" $name "*) continue ;; esac
		case $o in *=*) arg="--$name=bogus" ;; *) arg="--$name" ;; esac
		cr $c $arg
		if [ $rc -ne 2 ] || ! grep -q "^custrelease: $c does not take --$name\$" "$TMP/err"; then
			echo "# $c $arg: exit $rc: $(head -1 "$TMP/err")"
			n=$((n + 1))
		fi
	done
	ok $n "$c refuses every option it does not take"
done
cr verify --strict --json --out foo "$TMP/none.tar.gz"
expect_rc 2 "verify --strict --json --out is a usage error"
cr check --bundle-format bogus --claim-ttl 99999 --export "$SAMPLES/export"
expect_rc 2 "check --bundle-format --claim-ttl is a usage error"
expect_err "^usage: custrelease check " "the usage line is check's"

# One --config serves run, plan and check: check ignores the keys of
# options it does not take (a bad value there included); '_' may stand
# for '-' in a key.
cat >"$TMP/shared.conf" <<EOF2
export = $SAMPLES/export
out = $TMP/never
bundle_format = bogus
claim-ttl = 30
EOF2
cr check --config "$TMP/shared.conf"
expect_rc 1 "check --config with run's keys checks the export (one known problem)"
grep -q "^total  *321  *1$" "$TMP/out"
ok $? "all 321 rows of the samples were checked"
[ ! -e "$TMP/never" ]; ok $? "and touches no OUT"
cr plan --config "$TMP/shared.conf" --manifest "$SAMPLES/manifest.csv" \
    --now 2026-12-01T02:00:00Z
expect_rc 2 "plan takes bundle_format from the same file, and refuses bogus"
expect_err "bundle format|bundle-format" "the error names the bundle format"

# The exit code does not depend on stderr: closed (2>&-), the message
# cannot be written, and the code chosen after it must not change.
n=0
for c in "check --export $TMP/nonexistent" \
    "plan --export $TMP/nonexistent --manifest $SAMPLES/manifest.csv" \
    "run --export $SAMPLES/export --manifest $TMP/nonexistent --out $TMP/cl" \
    "run --export $SAMPLES/export --manifest $SAMPLES/manifest.csv --out $TMP/cl --token-key $TMP/nonexistent" \
    "verify $TMP/nonexistent" "verify --bogus x"; do
	a=0 b=0
	# shellcheck disable=SC2086 # the words of the command
	"$CUSTRELEASE" $c >/dev/null 2>/dev/null || a=$?
	# shellcheck disable=SC2086
	"$CUSTRELEASE" $c >/dev/null 2>&- || b=$?
	if [ $a -ne $b ] || [ $a -eq 0 ]; then
		echo "# $c: exit $a, with stderr closed $b"
		n=$((n + 1))
	fi
done
ok $n "with stderr closed, every error keeps its exit code"

# With stdout and stderr closed, a diagnostic must not land in a file the
# run opens (the next free descriptor): the records stay clean.
rc=0
"$CUSTRELEASE" run --export "$SAMPLES/export" --manifest "$SAMPLES/manifest.csv" \
    --out "$TMP/closed" --now 2026-12-01T02:00:00Z >&- 2>&- || rc=$?
expect_rc 1 "a run with stdout and stderr closed commits"
! grep -rq "warning: no --token-key" "$TMP/closed"
ok $? "its warning went nowhere near its files"
cr verify "$TMP"/closed/2026*/audit-*
expect_rc 0 "and its bundle verifies"

done_testing
