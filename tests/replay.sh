#!/bin/sh
# replay.sh -- verify --export: the bagged manifest decided again against
# an export, with the run's recorded options, gives every record of the
# bag byte for byte (the history taken from the bag's own decisions); one
# changed contact field is found and named with file, line and both
# values; tokens are compared only with the key, emails only with the
# run's templates; nothing is left behind.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

KEY=$SAMPLE_KEY
mkdir "$TMP/t"
# v ARGS...: custrelease verify with TMPDIR=$TMP/t (the replay's scratch)
v() {
	rc=0
	TMPDIR=$TMP/t "$CUSTRELEASE" verify "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
}

cr run --export samples/export --manifest samples/manifest.csv \
    --out "$TMP/o" --now 2026-12-01T02:00:00Z --token-key "$KEY" --quiet
expect_rc 1 "the sample run"
B1=$(ls "$TMP"/o/20261201*/audit-*)
v --export samples/export --token-key "$KEY" "$B1"
expect_rc 0 "the export and the key give the bag's records"
grep -qx "replay: every record and email compared; the export gives them" "$TMP/out"
ok $? "and verify says so"
v --export samples/export "$B1"
expect_rc 0 "without the key: the same but for the token digests"

# a second night: its skips come from the first night's releases
cr run --export samples/export --manifest samples/manifest-rerun.csv \
    --out "$TMP/o" --now 2026-12-02T02:00:00Z --token-key "$KEY" --quiet \
    --bundle-format zip
B2=$(ls "$TMP"/o/20261202*/audit-*)
grep -q ',S_ALREADY_RELEASED,' "$TMP"/o/20261202*/decisions.csv &&
    grep -q ',E_DUPLICATE_REQUEST,.*earlier run for customer' "$TMP"/o/20261202*/decisions.csv
ok $? "the second night shows what the history decided"
v --export samples/export --token-key "$KEY" "$B2"
expect_rc 0 "its replay takes the history from the bag (zip bundle)"

# one contact field changed in the export
cp -R samples/export "$TMP/changed"
sed -i 's/zoe\.martin@photo-zoe\.example/zoe.martin@photo-zoe.test/' \
    "$TMP/changed/customers.csv"
v --export "$TMP/changed" --token-key "$KEY" "$B1"
expect_rc 1 "an export with one changed email does not give the bag"
grep -q 'data/customers\.csv: replay: line 2: the bag has ".*photo-zoe\.example.*", the export gives ".*photo-zoe\.test' "$TMP/err"
ok $? "customers.csv: file, line and both values"
grep -q 'data/inputs\.sha256: replay: line 2:' "$TMP/err"
ok $? "inputs.sha256 shows which export file differs"

# the emails need the run's templates
cp -R templates "$TMP/tpl"
sed -i '1s/^/Hello! /' "$TMP/tpl/en.txt"
cr run --export samples/export --manifest samples/manifest.csv \
    --out "$TMP/p" --now 2026-12-01T02:00:00Z --token-key "$KEY" --quiet \
    --templates "$TMP/tpl"
B3=$(ls "$TMP"/p/2026*/audit-*)
grep -q '"templates_sha256": "[0-9a-f]\{64\}"' "$TMP"/p/2026*/summary.json
ok $? "summary.json records the templates' digest"
v --export samples/export --token-key "$KEY" "$B3"
expect_rc 0 "other templates: the records still match"
grep -q "the emails not: the templates are not the run's" "$TMP/out"
ok $? "and verify says the emails were not compared"
v --export samples/export --token-key "$KEY" --templates "$TMP/tpl" "$B3"
expect_rc 0 "with the run's templates the emails match too"
grep -q "every record and email compared" "$TMP/out"
ok $? "and were compared"
# an email edited in the bag: found when the templates are the run's
mkdir "$TMP/e"
tar -xzf "$B1" -C "$TMP/e"
bag=$(ls -d "$TMP"/e/audit-*)
sed -i 's/REDACTED/REDACTEX/' "$bag/data/emails/c-1001.eml"
v --export samples/export --token-key "$KEY" "$bag"
expect_rc 1 "an edited email is found by the replay"
grep -q 'data/emails/c-1001\.eml: replay: ' "$TMP/err"
ok $? "and named"

[ -z "$(ls -A "$TMP/t")" ]
ok $? "the replays left nothing in TMPDIR"

v --token-key "$KEY" "$B1"
expect_rc 2 "--token-key without --export is a usage error"
v --chain --export samples/export "$B1" "$B2"
expect_rc 2 "--export with --chain is a usage error"

done_testing
