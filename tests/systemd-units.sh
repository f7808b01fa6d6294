#!/bin/sh
# systemd-units.sh -- the example units of contrib/systemd: systemd-analyze
# verify accepts them (with the built binary in ExecStart, man pages not
# looked up), the timer starts the service, and the service's command line,
# with its paths pointed at the samples, commits a run.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

U=contrib/systemd
command -v systemd-analyze >/dev/null
ok $? "systemd-analyze is installed (package systemd)"
mkdir "$TMP/units"
sed "s|/usr/bin/custrelease|$CUSTRELEASE|" $U/custrelease-nightly.service \
    >"$TMP/units/custrelease-nightly.service"
cp $U/custrelease-nightly.timer "$TMP/units/"
systemd-analyze verify --man=no "$TMP/units/custrelease-nightly.timer" \
    "$TMP/units/custrelease-nightly.service" >"$TMP/sa" 2>&1
ok $? "systemd-analyze verify accepts the service and the timer"
sed 's/^/# /' "$TMP/sa"
grep -q '^ExecStart=/usr/bin/custrelease run ' $U/custrelease-nightly.service
ok $? "the service runs the installed binary"
grep -q '^OnCalendar=' $U/custrelease-nightly.timer &&
    grep -q '^Persistent=true' $U/custrelease-nightly.timer
ok $? "the timer fires nightly and catches up after downtime"
grep -q '^SuccessExitStatus=1' $U/custrelease-nightly.service
ok $? "exit 1 (some rejected) is a success for systemd"

# The service's command line, joined, with the samples for its paths.
cat >"$TMP/nightly.conf" <<EOF2
out = $TMP/out
token-key = $SAMPLE_KEY
quiet = yes
EOF2
cmd=$(sed -n '/^ExecStart=/,/[^\\]$/p' $U/custrelease-nightly.service |
    sed 's/^ExecStart=//; s/\\$//' | tr '\n' ' ' |
    sed "s|/usr/bin/custrelease|$CUSTRELEASE|;
	s|/etc/custrelease/nightly.conf|$TMP/nightly.conf|;
	s|/srv/custrelease/exports/latest.tar.gz|$SAMPLES/export|;
	s|/srv/custrelease/manifests/releases.csv|$SAMPLES/manifest.csv|")
rc=0
eval "$cmd --now 2026-12-01T02:00:00Z" >"$TMP/out.txt" 2>"$TMP/err" || rc=$?
expect_rc 1 "the service's command commits the sample run"
[ -n "$(ls "$TMP/out" 2>/dev/null | grep '^2026')" ]
ok $? "a committed run in OUT"

done_testing
