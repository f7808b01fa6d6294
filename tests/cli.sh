#!/bin/sh
# cli.sh -- the command line of docs/format.md 5: help, version, usage errors.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

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

done_testing
