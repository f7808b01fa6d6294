#!/bin/sh
# config.sh -- `--config FILE`: key = value defaults for what a
# nightly job keeps fixed; the command line wins; a bad file is a usage
# error naming file and line.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

cat > "$TMP/nightly.conf" <<CONF
# nightly release job
export = samples/export
manifest = samples/manifest.csv
out = $TMP/runs
token-key = samples/token.key
claim-url = https://claim.registrar.example/c/
from = Releases <releases@registrar.example>
claim-ttl = 7
quiet = yes
CONF
cr run --config "$TMP/nightly.conf" --now 2026-12-01T02:00:00Z
expect_rc 1 "run from a config file"
[ ! -s "$TMP/out" ]; ok $? "quiet = yes: nothing on stdout"
RUN=$(ls -d "$TMP"/runs/2* | head -1)
grep -q '"claim_url": "https://claim.registrar.example/c/"' "$RUN/summary.json"
ok $? "claim-url from the file"
grep -q '"claim_ttl_days": 7' "$RUN/summary.json"; ok $? "claim-ttl from the file"
grep -q '"token_key": "file"' "$RUN/summary.json"; ok $? "token-key from the file"

cr run --config "$TMP/nightly.conf" --now 2026-12-02T02:00:00Z \
    --claim-url https://other.example/x/ --claim-ttl 30
expect_rc 1 "command line over the file"
RUN2=$(ls -d "$TMP"/runs/20261202* | head -1)
grep -q '"claim_url": "https://other.example/x/"' "$RUN2/summary.json" &&
    grep -q '"claim_ttl_days": 30' "$RUN2/summary.json"
ok $? "the command line wins"

printf 'export = samples/export\ncolour = blue\n' > "$TMP/bad.conf"
cr check --config "$TMP/bad.conf"
expect_rc 2 "unknown key"
expect_err "bad.conf:2: unknown key \"colour\"" "unknown key: file and line"
printf 'strict = maybe\n' > "$TMP/bad2.conf"
cr check --config "$TMP/bad2.conf" --export samples/export
expect_rc 2 "bad boolean"
cr check --config "$TMP/missing.conf" --export samples/export
expect_rc 2 "missing config file"
printf 'export = tests/data/clean\n' > "$TMP/check.conf"
cr check --config "$TMP/check.conf"
expect_rc 0 "check from a config file"

done_testing
