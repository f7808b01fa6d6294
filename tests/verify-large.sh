#!/bin/sh
# verify-large.sh -- verify checks records of any size in bounded memory:
# record files over the memory budget are read as streams from temporary
# files and cross-checked by external sorts and merge joins.  The budget
# ($CUSTRELEASE_VERIFY_MEM, a testing aid) is lowered to 256 bytes so that
# a small bundle takes every path a million-request one does: the bundle
# is accepted, every cross-record problem is still found, with the same
# output as with the default budget, the temporary files are 0600 under
# $TMPDIR (even one with a blank) and gone afterwards, a full $TMPDIR is
# exit 74 with a message; and verify's peak RSS hardly grows from a
# generated run of 10,000 requests to one of 20,000.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

: "${MKBUNDLE:=$top_builddir/tests/mkbundle}"
KEY=$SAMPLE_KEY
NOW=2026-11-30T02:00:00Z
EPOCH=1796004000

cr run --export samples/export --manifest samples/manifest.csv \
    --out "$TMP/runout" --now $NOW --token-key "$KEY"
expect_rc 1 "the sample run (some requests rejected)"
BUNDLE=$(ls "$TMP"/runout/*/audit-*.tar.gz)
RUN_ID=$(basename "$BUNDLE" .tar.gz | sed 's/^audit-//')
[ -n "$BUNDLE" ] && [ "$(wc -c <"$(dirname "$BUNDLE")/ownership.csv")" -gt 256 ]
ok $? "its ownership.csv is over a budget of 256 bytes"

# Small budget, TMPDIR with a blank in its name.
SPOOL="$TMP/spool dir"
mkdir "$SPOOL"
small() {
	TMPDIR=$SPOOL CUSTRELEASE_VERIFY_MEM=256 \
	    "$CUSTRELEASE" verify "$@" >"$TMP/out.small" 2>"$TMP/err.small"
	echo $? >>"$TMP/out.small"
}
dflt() {
	"$CUSTRELEASE" verify "$@" >"$TMP/out.dflt" 2>"$TMP/err.dflt"
	echo $? >>"$TMP/out.dflt"
}
small "$BUNDLE"
grep -q '^verify: OK$' "$TMP/out.small" && [ "$(tail -n 1 "$TMP/out.small")" = 0 ]
ok $? "a budget of 256 bytes: the bundle is accepted (exit 0)"
[ ! -s "$TMP/err.small" ]
ok $? "no problem, nothing 'not checked'"
[ -z "$(ls -A "$SPOOL")" ]
ok $? "no temporary file is left in a TMPDIR with a blank"

# While verify runs, its temporary files are 0600 (and unlinked at once:
# seen through /proc as deleted files of the process).
if [ -d /proc/self/fd ]; then
	TMPDIR=$SPOOL CUSTRELEASE_VERIFY_MEM=256 "$PYTHON3" - "$CUSTRELEASE" \
	    "$BUNDLE" "$SPOOL" <<'PY'
import os, stat, subprocess, sys, time
p = subprocess.Popen([sys.argv[1], "verify", sys.argv[2]],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
seen, bad = 0, 0
while p.poll() is None:
    try:
        for fd in os.listdir("/proc/%d/fd" % p.pid):
            path = "/proc/%d/fd/%s" % (p.pid, fd)
            try:
                target = os.readlink(path)
                if target.startswith(sys.argv[3]):
                    seen += 1
                    if stat.S_IMODE(os.stat(path).st_mode) & 0o077:
                        bad += 1
            except OSError:
                pass
    except OSError:
        pass
    time.sleep(0.001)
sys.exit(1 if bad else 0)
PY
	ok $? "temporary files are 0600"
else
	skip "no /proc: temporary file modes"
fi

# Cross-record facts broken one at a time: each still found with the
# smallest budget, and the output is the default budget's, byte for byte.
mkdir "$TMP/x"
tar -xzf "$BUNDLE" -C "$TMP/x"
PAYLOAD=$TMP/payload
cp -R "$TMP/x/audit-$RUN_ID/data" "$PAYLOAD"
rm -f "$PAYLOAD/report.html" "$PAYLOAD/report.txt"
n=0
# name | file | sed expression | a problem it must give
while IFS='|' read -r name file expr want; do
	n=$((n + 1))
	rm -rf "$TMP/p$n"
	cp -R "$PAYLOAD" "$TMP/p$n"
	sed -i "$expr" "$TMP/p$n/$file"
	cmp -s "$PAYLOAD/$file" "$TMP/p$n/$file"
	[ $? -ne 0 ]
	ok $? "$name: $file changed"
	"$MKBUNDLE" "$RUN_ID" "$EPOCH" "$TMP/p$n" "$TMP/b$n.tar.gz" \
	    >/dev/null 2>&1 || {
		# a file the reports cannot read: the bag directory instead
		rm -rf "$TMP/d$n"
		mkdir "$TMP/d$n"
		tar -xzf "$BUNDLE" -C "$TMP/d$n"
		cp "$TMP/p$n/$file" "$TMP/d$n/audit-$RUN_ID/data/$file"
		ln -s "$TMP/d$n/audit-$RUN_ID" "$TMP/b$n.tar.gz"
	}
	small "$TMP/b$n.tar.gz"
	dflt "$TMP/b$n.tar.gz"
	[ "$(tail -n 1 "$TMP/out.small")" = 1 ]
	ok $? "$name: rejected (exit 1) with a budget of 256 bytes"
	grep -q -- "$want" "$TMP/err.small"
	ok $? "$name: \"$want\""
	expect_same "$TMP/err.dflt" "$TMP/err.small" \
	    "$name: the same problems as with the default budget"
	expect_same "$TMP/out.dflt" "$TMP/out.small" \
	    "$name: the same verdict"
done <<'EOF'
an ownership row of another customer|ownership.csv|3s/,c-1001,/,c-1002,/|ownership.csv: line 3: customer or reseller differs from decisions.csv line
an ownership row of no request|ownership.csv|4s/,rq-2026-0001,/,rq-9999,/|ownership.csv: line 4: request "rq-9999" was not released
a product released twice|ownership.csv|3{p}|ownership.csv: line 4: product ".*" released twice
ownership.jsonl out of step|ownership.jsonl|2d|ownership.jsonl: line 2: differs from ownership.csv line 3
a customer without a customers.csv row|customers.csv|2d|has no customers.csv row
a request released twice|decisions.csv|3{p}|released twice or without an id
a share of a product not released|shares.csv|2s/^[^,]*,/p-nope,/|shares.csv: line 2: product "p-nope" was not released
a contact update to another email|contact_updates.csv|2s/,[^,]*$/,x@example.org/|new_email is not the customer's email
a request against another manifest line|decisions.csv|2s/^\([^,]*\),[0-9]*,/\1,30,/|is not the manifest's
EOF

# Forged rows a run never writes are refused before they cost memory or
# spill: more than 4,096 fields in a row, or a header that wide.
for what in row header; do
	rm -rf "$TMP/wide"
	cp -R "$PAYLOAD" "$TMP/wide"
	commas=$(printf '%5000s' '' | tr ' ' ',')
	case $what in
	row) sed -i "2s/\$/$commas/" "$TMP/wide/ownership.csv" ;;
	header) sed -i "1s/\$/$commas/" "$TMP/wide/ownership.csv" ;;
	esac
	rm -rf "$TMP/dwide"
	mkdir "$TMP/dwide"
	tar -xzf "$BUNDLE" -C "$TMP/dwide"
	cp "$TMP/wide/ownership.csv" "$TMP/dwide/audit-$RUN_ID/data/"
	small "$TMP/dwide/audit-$RUN_ID"
	[ "$(tail -n 1 "$TMP/out.small")" = 1 ]
	ok $? "a $what of 5,000 fields: rejected (exit 1)"
	grep -q 'ownership.csv.*more than 4096 fields' "$TMP/err.small"
	ok $? "a $what of 5,000 fields: refused as such"
	[ -z "$(ls -A "$SPOOL")" ]
	ok $? "a $what of 5,000 fields: nothing left under TMPDIR"
done

# A full disk under $TMPDIR: a write to a temporary file fails with ENOSPC
# (through tests/inject): a message naming TMPDIR, exit 74, nothing left.
if inject_shim; then
	for at in 1 10 60; do
		rc=0
		LD_PRELOAD=$SHIM CR_INJECT_ONLY=write CR_INJECT_AT=$at \
		    CR_INJECT_ERRNO=ENOSPC CR_INJECT_NOSYNC=1 \
		    CR_INJECT_COUNT="$TMP/count" CR_INJECT_PROG=custrelease \
		    TMPDIR=$SPOOL CUSTRELEASE_VERIFY_MEM=256 \
		    "$CUSTRELEASE" verify "$BUNDLE" >"$TMP/out.full" \
		    2>"$TMP/err.full" || rc=$?
		[ $rc -eq 74 ]
		ok $? "write $at to a temporary file fails: exit 74 (got $rc)"
		grep -q "^custrelease: $SPOOL:0: temporary file: cannot write: " \
		    "$TMP/err.full"
		ok $? "write $at: the message names TMPDIR and the error"
		[ -z "$(ls -A "$SPOOL")" ]
		ok $? "write $at: no temporary file is left"
	done
	# The replay (verify --export) writes a whole run, claim tokens
	# included, under TMPDIR: whichever write fails, spill or run, none
	# of it is left.
	LD_PRELOAD=$SHIM CR_INJECT_ONLY=write CR_INJECT_AT=0 \
	    CR_INJECT_NOSYNC=1 CR_INJECT_COUNT="$TMP/count" \
	    CR_INJECT_PROG=custrelease TMPDIR=$SPOOL \
	    CUSTRELEASE_VERIFY_MEM=256 "$CUSTRELEASE" verify --export \
	    samples/export --token-key "$KEY" "$BUNDLE" >/dev/null 2>&1
	n=$(cat "$TMP/count" 2>/dev/null || echo 0)
	[ "$n" -gt 20 ]; ok $? "the replay makes $n writes"
	for at in $((n / 4)) $((n / 2)) $((n * 3 / 4)) $((n - 5)) $((n - 2)); do
		rc=0
		LD_PRELOAD=$SHIM CR_INJECT_ONLY=write CR_INJECT_AT=$at \
		    CR_INJECT_ERRNO=ENOSPC CR_INJECT_NOSYNC=1 \
		    CR_INJECT_PROG=custrelease TMPDIR=$SPOOL \
		    CUSTRELEASE_VERIFY_MEM=256 "$CUSTRELEASE" verify --export \
		    samples/export --token-key "$KEY" "$BUNDLE" \
		    >"$TMP/out.full" 2>"$TMP/err.full" || rc=$?
		[ $rc -ne 0 ]
		ok $? "replay, write $at of $n fails: not a pass (exit $rc)"
		[ -z "$(ls -A "$SPOOL")" ]
		ok $? "replay, write $at of $n: nothing left under TMPDIR"
		rm -rf "${SPOOL:?}"/* "${SPOOL:?}"/.[!.]* 2>/dev/null
	done
else
	skip "no fault-injection shim: a full TMPDIR"
fi

# Memory does not grow with the records: generated runs of 10,000 and
# 20,000 requests, checked with a budget of 1 MiB: the second peaks
# above the first by less than a sixth of what its records add (the
# former verify held them all, parsed, in memory; the one before this
# held an entry per email: a third of them).
if [ -n "$PYTHON3" ]; then
	"$PYTHON3" tools/gen-export --customers 30000 --requests 20000 \
	    --out "$TMP/gen" >/dev/null 2>&1
	ok $? "an export of 30,000 customers and 20,000 requests"
	head -10001 "$TMP/gen/manifest.csv" > "$TMP/half.csv"
	cr run --export "$TMP/gen/export" --manifest "$TMP/half.csv" \
	    --out "$TMP/hout" --now $NOW --token-key "$KEY" --quiet
	cr run --export "$TMP/gen/export" --manifest "$TMP/gen/manifest.csv" \
	    --out "$TMP/gout" --now $NOW --token-key "$KEY" --quiet
	HB=$(ls "$TMP"/hout/*/audit-*.tar.gz)
	GB=$(ls "$TMP"/gout/*/audit-*.tar.gz)
	[ -n "$GB" ] && [ -n "$HB" ]
	ok $? "their runs wrote bundles"
	# recs DIR: the bytes of a run's record files
	recs() {
		cat "$1"/ownership.csv "$1"/ownership.jsonl "$1"/decisions.csv \
		    "$1"/customers.csv | wc -c
	}
	RECS=$(( $(recs "$(dirname "$GB")") - $(recs "$(dirname "$HB")") ))
	# peak RSS in KiB of a verify that passes (-1 if it fails); with
	# ASan's quarantine off, so that an ASan build measures the heap too
	rss_of() {
		peak_rss 0 /dev/null env TMPDIR="$SPOOL" \
		    CUSTRELEASE_VERIFY_MEM=1048576 "$CUSTRELEASE" verify "$1"
	}
	RSS0=$(rss_of "$HB")
	RSS=$(rss_of "$GB")
	echo "# verify peak RSS ${RSS} KiB (10,000 requests: ${RSS0} KiB)," \
	    "their records differ by $((RECS / 1024)) KiB"
	[ "$RSS" -gt 0 ] && [ "$RSS0" -gt 0 ]
	ok $? "verify accepts the generated bundles"
	[ "$RSS" -gt 0 ] && [ $((RSS - RSS0)) -lt $((RECS / 6 / 1024)) ]
	ok $? "verify's peak RSS grows by less than a sixth of the records"
	[ -z "$(ls -A "$SPOOL")" ]
	ok $? "and no temporary file is left"
else
	skip "no python3: the generated run"
fi

done_testing
