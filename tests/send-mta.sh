#!/bin/sh
# send-mta.sh -- `custrelease send` through a real local MTA's sendmail
# (exim4), queue only (-odq: no delivery attempt, no network): the sample
# run's emails are queued once each, and a second send queues nothing.
# Skipped outside CI when no exim is installed; under CI=true a missing
# MTA is a failure.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

EXIM=$(command -v exim4 || command -v exim || true)
if [ -z "$EXIM" ] || [ ! -x /usr/sbin/sendmail ]; then
	if [ "${CI:-}" = true ]; then
		ok 1 "an MTA (exim4) is installed (.ci/run installs it)"
	else
		skip "send through a real MTA" "no exim installed"
	fi
	done_testing
fi
if [ "$(id -u)" -ne 0 ]; then
	skip "send through a real MTA" "exim's queue needs root here"
	done_testing
fi

"$CUSTRELEASE" run --export samples/export --manifest samples/manifest.csv \
    --out "$TMP/o" --now 2026-12-01T02:00:00Z \
    --token-key samples/token.key --quiet > /dev/null 2>&1
RUN=$TMP/o/20261201T020000Z-1f737a72
N=$(ls "$RUN/emails" | grep -c '\.eml$')
before=$("$EXIM" -bpc)

cr send --sendmail "/usr/sbin/sendmail -odq -t -i -f %f" "$RUN"
expect_rc 0 "send queues the sample run through exim"
[ $(( $("$EXIM" -bpc) - before )) -eq "$N" ]
ok $? "the queue holds one message per email ($N)"
cr send --sendmail "/usr/sbin/sendmail -odq -t -i -f %f" "$RUN"
expect_rc 0 "a second send"
[ $(( $("$EXIM" -bpc) - before )) -eq "$N" ]
ok $? "queues nothing more"

# clean the queue: only the messages this test queued (their Message-IDs)
"$EXIM" -bp | awk '/^ *[0-9]+[smhd] / { print $3 }' > "$TMP/ids"
for id in $(cat "$TMP/ids"); do
	"$EXIM" -Mvh "$id" 2>/dev/null | grep -q '20261201T020000Z-1f737a72\.' &&
	    "$EXIM" -Mrm "$id" > /dev/null
done
[ "$("$EXIM" -bpc)" -eq "$before" ]
ok $? "the queue is cleaned"

done_testing
