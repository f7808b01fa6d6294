#!/bin/sh
# send.sh -- `custrelease send` with a fake sendmail (tests/fake-sendmail):
# the argv and the exact bytes piped, a rerun that sends nothing, a failure
# on the Nth email and the rerun that sends only the rest, exit 75 retried
# and persisting, a hung and a non-reading sendmail, the lock, --dry-run,
# --delete-sent, the journal's checks, uncommitted runs refused, and
# SIGKILL at random points: every email delivered, at most one duplicate
# per kill.  Nothing here measures time.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

FAKE=$top_srcdir/tests/fake-sendmail
RUNID=20261201T020000Z-1f737a72
SM="$FAKE -t -i -f %f"
export FAKE_DIR

# fresh NAME: a new sample run in $TMP/NAME; sets RUN and FAKE_DIR.
fresh() {
	"$CUSTRELEASE" run --export samples/export --manifest samples/manifest.csv \
	    --out "$TMP/$1" --now 2026-12-01T02:00:00Z \
	    --token-key samples/token.key --quiet > /dev/null 2>&1
	RUN=$TMP/$1/$RUNID
	[ -d "$RUN/emails" ] || { echo "Bail out! the sample run failed"; exit 1; }
	FAKE_DIR=$TMP/$1.fake
	mkdir -p "$FAKE_DIR"
	unset FAKE_FAIL_AT FAKE_TEMPFAIL FAKE_HANG FAKE_NOREAD FAKE_SLEEP
}
delivered() { ls "$FAKE_DIR" | grep -c '^msg\.' || true; }

fresh a
N=$(ls "$RUN/emails" | grep -c '\.eml$')
[ "$N" -ge 3 ]
ok $? "the sample run has $N emails"

cr send --sendmail "$SM" --retry-delay 0 "$RUN"
expect_rc 0 "send pipes every email"
[ "$(delivered)" -eq "$N" ]
ok $? "sendmail got each email once"
for f in $(ls "$RUN/emails" | sort); do cat "$RUN/emails/$f"; done > "$TMP/want"
i=1; : > "$TMP/got"
while [ $i -le "$N" ]; do cat "$FAKE_DIR/msg.$i" >> "$TMP/got"; i=$((i + 1)); done
expect_same "$TMP/want" "$TMP/got" "the bytes piped are the emails', in id order"
printf '%s\n' -t -i -f no-reply@claim.invalid > "$TMP/args"
expect_same "$TMP/args" "$FAKE_DIR/args.1" "sendmail's argv is -t -i -f <the run's From>"
grep -q "^send: sent $N, already sent 0, " "$TMP/out"
ok $? "the summary counts what was sent"
[ "$(wc -l < "$RUN/sent.log")" -eq "$N" ] &&
    grep -Eqv '^[A-Za-z0-9._-]+ [0-9a-f]{64} [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' "$RUN/sent.log"
[ $? -ne 0 ] || [ "$(wc -l < "$RUN/sent.log")" -ne "$N" ]
ok $? "sent.log: one 'id sha256 time' line per email"
id1=$(ls "$RUN/emails" | sort | head -1); id1=${id1%.eml}
grep -q "^$id1 $(sha256sum < "$RUN/emails/$id1.eml" | cut -c1-64) " "$RUN/sent.log"
ok $? "sent.log holds the email's SHA-256"

cr send --sendmail "$SM" "$RUN"
expect_rc 0 "a rerun"
[ "$(delivered)" -eq "$N" ] && grep -q "^send: sent 0, already sent $N," "$TMP/out"
ok $? "a rerun sends nothing"

# failure on the 2nd email, then the rerun sends only the rest
fresh b
FAKE_FAIL_AT=2 cr send --sendmail "$SM" "$RUN"
expect_rc 74 "sendmail failing on the 2nd email stops the send"
expect_err "emails|\.eml: .*failed \(exit 1\)" "the failing email is named"
[ "$(delivered)" -eq 1 ]
ok $? "nothing after the failure is piped"
cr send --sendmail "$SM" "$RUN"
expect_rc 0 "the rerun after a failure"
[ "$(delivered)" -eq "$N" ] &&
    [ "$(sha256sum "$FAKE_DIR"/msg.* | cut -c1-64 | sort)" = "$(sha256sum "$RUN"/emails/*.eml | cut -c1-64 | sort)" ]
ok $? "the rerun sends only the rest: each email delivered once"

# exit 75: retried, then persisting
fresh c
FAKE_TEMPFAIL=2 cr send --sendmail "$SM" --retry-delay 0 "$RUN"
expect_rc 0 "exit 75 twice, then accepted: retried"
[ "$(delivered)" -eq "$N" ]
ok $? "every email delivered after the retries"
fresh d
FAKE_TEMPFAIL=100 cr send --sendmail "$SM" --retry-delay 0 --tries 3 "$RUN"
expect_rc 75 "exit 75 persisting"
expect_err "exit 75\) 3 times" "it says so"
[ "$(cat "$FAKE_DIR/calls")" -eq 3 ] && [ ! -s "$RUN/sent.log" ]
ok $? "three tries, nothing journaled"
cr send --sendmail "$SM" "$RUN"
expect_rc 0 "a later send resumes"

# hung, non-reading, missing sendmail
fresh e
FAKE_HANG=1 cr send --sendmail "$SM" --timeout 0.5 "$RUN"
expect_rc 75 "a hung sendmail is killed"
expect_err "did not finish within 0.5 s" "the timeout is named"
FAKE_NOREAD=2 cr send --sendmail "$SM" "$RUN"
expect_rc 74 "a sendmail that does not read its input"
expect_err "did not read the whole email" "is a failure"
[ ! -s "$RUN/sent.log" ]
ok $? "an email not read whole is not journaled"
fresh e2
cr send --sendmail "$TMP/no-such-sendmail -t" "$RUN"
expect_rc 74 "a sendmail that cannot be run"

# the lock
fresh f
flock "$RUN/sent.lock" "$CUSTRELEASE" send --sendmail "$SM" "$RUN" > "$TMP/out" 2> "$TMP/err"
rc=$?
expect_rc 75 "a second send on a locked run exits at once"
expect_err "another send holds the lock" "and says why"
[ "$(delivered)" -eq 0 ]
ok $? "and sends nothing"

# --dry-run
cr send --dry-run --sendmail "$SM" "$RUN"
expect_rc 0 "--dry-run"
[ "$(delivered)" -eq 0 ] && [ ! -e "$RUN/sent.log" ] &&
    [ "$(grep -c '^would send ' "$TMP/out")" -eq "$N" ]
ok $? "--dry-run lists each email, sends nothing, writes no journal"

# --delete-sent
cr send --delete-sent --sendmail "$SM" "$RUN"
expect_rc 0 "--delete-sent"
[ -z "$(ls "$RUN/emails")" ] && [ "$(delivered)" -eq "$N" ]
ok $? "--delete-sent unlinks each email once journaled"
cr send --delete-sent --sendmail "$SM" "$RUN"
expect_rc 0 "a rerun with every email gone"
grep -q "^send: sent 0, already sent $N, not sent 0, deleted 0, of $N" "$TMP/out"
ok $? "journal lines whose email is gone are fine"

# the journal's checks
fresh g
cr send --sendmail "$SM" "$RUN"
printf 'c-9999 0123' >> "$RUN/sent.log"
cr send --sendmail "$SM" "$RUN"
expect_rc 0 "a torn last line (a crash mid-write) is ignored"
[ "$(tail -c 1 "$RUN/sent.log" | od -An -c | tr -d ' ')" = '\n' ]
ok $? "and cut off before anything is appended"
echo "garbage" >> "$RUN/sent.log"
cr send --sendmail "$SM" "$RUN"
expect_rc 65 "a damaged complete line"
expect_err "sent.log:$((N + 1)): damaged journal line" "names the line"
sed -i '$d' "$RUN/sent.log"
echo changed >> "$RUN/emails/$id1.eml"
cr send --sendmail "$SM" "$RUN"
expect_rc 65 "an email changed since it was sent"
expect_err "$id1.eml: changed since it was sent" "is a problem, not skipped"

# uncommitted runs and other paths
mkdir -p "$TMP/h/.tmp-$RUNID-1/emails" "$TMP/h/.failed-$RUNID-1/emails" "$TMP/h/notarun"
for p in ".tmp-$RUNID-1" ".failed-$RUNID-1"; do
	cr send --sendmail "$SM" "$TMP/h/$p/"
	expect_rc 65 "$p is refused"
done
cr send --sendmail "$SM" "$TMP/h/notarun"
expect_rc 65 "a directory that is not a run is refused"
mkdir -p "$TMP/h/$RUNID"
cr send --sendmail "$SM" "$TMP/h/$RUNID"
expect_rc 65 "a run directory without records is refused"
cr send --bogus "$RUN"
expect_rc 2 "an unknown option"
cr send
expect_rc 2 "no run"

# SIGKILL at random points, 20 times, then a clean rerun
fresh k
kills=0
i=0
while [ $i -lt 20 ]; do
	FAKE_SLEEP=0.05 "$CUSTRELEASE" send --quiet --sendmail "$SM" "$RUN" > /dev/null 2>&1 &
	pid=$!
	sleep "0.0$(( $(od -An -N1 -tu1 /dev/urandom) % 10 ))"
	kill -9 $pid 2>/dev/null && kills=$((kills + 1))
	wait $pid 2>/dev/null
	i=$((i + 1))
done
cr send --sendmail "$SM" "$RUN"
expect_rc 0 "the send after $kills kills finishes"
bad=0
for f in "$RUN"/emails/*.eml; do
	c=0
	for m in "$FAKE_DIR"/msg.*; do cmp -s "$f" "$m" && c=$((c + 1)); done
	[ $c -ge 1 ] || bad=1
done
dups=$(( $(delivered) - N ))
[ $bad -eq 0 ] && [ $dups -le $kills ]
ok $? "every email delivered, $dups duplicates for $kills kills"

done_testing
